/**
 * What the WhatsApp client reports, as the core's RemoteEvents: one event per stanza at most.
 *
 * Group notifications: `create` becomes a chat-info event with the group's name only. The core
 * reads the members (and their roles) with `getChat` when it sets the chat up, which also covers
 * groups this account was added to later; a stanza yields one event, and a second one for the
 * initial members would tell the core nothing `getChat` does not. `announce` and `restrict`
 * change who may send or edit the group's info: nothing the core shows, so they are skipped.
 */
import type {
  ChatRef,
  IncomingBody,
  MessageEvent,
  PresenceEvent,
  ReceiptEvent,
  RemoteEvent,
  SenderRef,
  TypingEvent,
} from "../../network/index.js";
import type { WhatsappClient } from "../../simnet/whatsapp/client/client.js";
import type { MessageContent } from "../../simnet/whatsapp/client/content.js";
import type { IncomingEdit, IncomingMessage, IncomingReaction, IncomingRevoke, Routed } from "../../simnet/whatsapp/client/events.js";
import type { ChatStateStanza, NotificationStanza, PresenceStanza, ReceiptStanza } from "../../simnet/whatsapp/protocol.js";
import { messageFile, pictureFile } from "./files.js";
import { chatKindOf } from "./ids.js";
import { fromWhatsapp } from "./markup.js";

const chatRef = (chat: string): ChatRef => ({ id: chat, kind: chatKindOf(chat) });

/** The body of a message; undefined for a kind this connector does not know (a newer client's). */
export function bodyOf(client: WhatsappClient, content: MessageContent, editedText?: string): IncomingBody | undefined {
  const mentions = content.mentions ?? [];
  const text = (original: string) => fromWhatsapp(editedText ?? original, mentions);
  switch (content.type) {
    case "text":
      return { kind: "text", text: text(content.text) };
    case "image":
    case "video":
    case "document":
    case "sticker": {
      const caption = editedText ?? content.caption;
      const file = messageFile(client, content.media, content);
      const media = content.type === "document" ? "file" : content.type;
      return { kind: "media", media, file, ...(caption !== undefined && caption !== "" ? { caption: fromWhatsapp(caption, mentions) } : {}) };
    }
    case "audio":
      return { kind: "media", media: content.ptt ? "voice" : "audio", file: messageFile(client, content.media, content) };
    case "location":
      return {
        kind: "location",
        latitude: content.latitude,
        longitude: content.longitude,
        ...(content.name !== undefined ? { name: content.name } : {}),
        ...(content.address !== undefined ? { address: content.address } : {}),
      };
    case "contact":
      return { kind: "contact", displayName: content.display_name, vcard: content.vcard };
    default:
      return undefined;
  }
}

/** Where, from whom and when: the part every event built from a routed envelope shares. */
function routed(envelope: Routed) {
  return { chat: chatRef(envelope.chat), sender: { id: envelope.from, isMe: envelope.fromMe }, timestamp: envelope.t };
}

export function messageEvent(client: WhatsappClient, message: IncomingMessage): MessageEvent | undefined {
  const body = bodyOf(client, message.content);
  if (!body) return undefined;
  const quoted = message.content.quoted;
  return {
    type: "message",
    ...routed(message),
    id: message.id,
    body,
    ...(quoted ? { replyTo: { id: quoted.id, sender: quoted.participant } } : {}),
  };
}

export function editEvent(edit: IncomingEdit): RemoteEvent {
  return {
    type: "edit",
    ...routed(edit),
    id: edit.id,
    target: edit.target,
    text: fromWhatsapp(edit.text, edit.mentions ?? []),
  };
}

export function reactionEvent(reaction: IncomingReaction): RemoteEvent {
  const base = { ...routed(reaction), target: reaction.target };
  return reaction.emoji === "" ? { type: "reaction-removed", ...base } : { type: "reaction", ...base, emoji: reaction.emoji };
}

export function deleteEvent(revoke: IncomingRevoke): RemoteEvent {
  return { type: "delete", ...routed(revoke), target: revoke.target };
}

export function receiptEvent(receipt: ReceiptStanza): ReceiptEvent {
  return {
    type: "receipt",
    chat: chatRef(receipt.chat),
    sender: { id: receipt.from, isMe: receipt.from_me },
    timestamp: receipt.t,
    kind: receipt.kind,
    targets: receipt.ids,
  };
}

const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : []);

/** A group notification as an event; undefined for other notifications and unshown group changes. */
export function notificationEvent(client: WhatsappClient, notification: NotificationStanza): RemoteEvent | undefined {
  if (notification.kind !== "group" || typeof notification.group !== "string") return undefined;
  const by = typeof notification.by === "string" ? notification.by : "";
  const base = { chat: chatRef(notification.group), sender: { id: by, isMe: by === client.jid } satisfies SenderRef, timestamp: notification.t };
  const participants = stringList(notification.participants);
  switch (notification.action) {
    case "create":
      return { type: "chat-info", ...base, name: String(notification.subject ?? "") };
    case "add":
    case "remove":
      return { type: "membership", ...base, action: notification.action, members: participants };
    case "leave":
      return { type: "membership", ...base, action: "leave", members: participants.length > 0 ? participants : [by] };
    case "promote":
      return { type: "admins", ...base, promoted: participants, demoted: [] };
    case "demote":
      return { type: "admins", ...base, promoted: [], demoted: participants };
    case "subject":
      return { type: "chat-info", ...base, name: String(notification.subject ?? "") };
    case "description": {
      const description = typeof notification.description === "string" ? notification.description : "";
      return { type: "chat-info", ...base, topic: description === "" ? null : description };
    }
    case "picture": {
      const picture = typeof notification.picture === "string" ? notification.picture : null;
      return { type: "chat-info", ...base, avatar: picture === null ? null : pictureFile(client.api, picture) };
    }
    default:
      return undefined;
  }
}

const TYPING: Record<ChatStateStanza["state"], TypingEvent["state"]> = { composing: "typing", recording: "recording", paused: "stopped" };

/** Chat states and presence are live and carry no time: they happen now. */
export function typingEvent(self: string, state: ChatStateStanza, now = Date.now()): TypingEvent {
  return { type: "typing", chat: chatRef(state.chat), sender: { id: state.from, isMe: state.from === self }, timestamp: now, state: TYPING[state.state] ?? "stopped" };
}

export function presenceEvent(self: string, presence: PresenceStanza, now = Date.now()): PresenceEvent {
  return {
    type: "presence",
    // Presence is per person; the contract puts it in the person's direct chat.
    chat: { id: presence.from, kind: "direct" },
    sender: { id: presence.from, isMe: presence.from === self },
    timestamp: now,
    state: presence.state === "available" ? "online" : "offline",
    ...(presence.last_seen !== undefined ? { lastSeen: presence.last_seen } : {}),
  };
}
