/**
 * Messenger deltas as the core's RemoteEvents, at most one per delta. Deltas are stored by the
 * server (they arrive with a seq); typing frames are live.
 *
 * - A read receipt carries a time ("everything up to then"); the core wants a message, so it
 *   becomes the newest message of the thread at or before that time.
 * - An edit has no id of its own on Messenger; `<message id>#edit<count>` stands for it.
 * - `thread_created` is a chat-info event with the group's name: the core reads members and
 *   roles with `getChat` when it sets up the chat. `thread_settings` (who may rename) is
 *   nothing the core shows and is skipped.
 */
import type { ChatRef, IncomingBody, MessageEvent, RemoteEvent, TypingEvent } from "../../network/index.js";
import { plainText } from "../../network/index.js";
import type { MessengerApi } from "../../simnet/messenger/client/api.js";
import type { DeltaEvent } from "../../simnet/messenger/client/realtime.js";
import { LIMITS, type WireMessage } from "../../simnet/messenger/protocol.js";
import { attachmentFile, MEDIA_OF, pictureFile, stickerFile, type StickerCatalog } from "./files.js";
import { chatKindOf } from "./ids.js";
import { fromMessenger } from "./markup.js";

export interface IncomingContext {
  api: MessengerApi;
  stickers: StickerCatalog;
  self: string;
}

export const chatRef = (chat: string): ChatRef => ({ id: chat, kind: chatKindOf(chat) });

/** The body of a message; undefined for a tombstone or a message with nothing the bridge can show. */
export async function bodyOf(ctx: IncomingContext, message: WireMessage): Promise<IncomingBody | undefined> {
  if (message.unsent) return undefined;
  const text = message.text !== null && message.text !== "" ? fromMessenger(message.text, message.mentions) : undefined;
  if (message.sticker_id !== null) {
    const sticker = await ctx.stickers.byId(message.sticker_id).catch(() => undefined);
    const file = sticker ? stickerFile(sticker) : undefined;
    if (file) return { kind: "media", media: "sticker", file };
    return { kind: "text", text: plainText(`[sticker: ${sticker?.label ?? message.sticker_id}]`) };
  }
  // Messenger sends several attachments as one message; the core takes one file per message,
  // so the rest are announced in the caption by name rather than lost silently.
  const [first, ...rest] = message.attachments;
  if (first) {
    const extra = rest.length > 0 ? `[+${rest.length} more attachment${rest.length === 1 ? "" : "s"}: ${rest.map((a) => a.filename ?? a.kind).join(", ")}]` : undefined;
    const caption = extra === undefined ? text : text ? { text: `${text.text}\n${extra}`, entities: text.entities } : plainText(extra);
    return { kind: "media", media: MEDIA_OF[first.kind] ?? "file", file: attachmentFile(ctx.api, first), ...(caption ? { caption } : {}) };
  }
  return text ? { kind: "text", text } : undefined;
}

export async function messageEvent(ctx: IncomingContext, message: WireMessage, own: boolean): Promise<MessageEvent | undefined> {
  const body = await bodyOf(ctx, message);
  if (!body) return undefined;
  return {
    type: "message",
    chat: chatRef(message.thread_id),
    sender: { id: message.sender_id, isMe: own || message.sender_id === ctx.self },
    timestamp: message.timestamp,
    id: message.id,
    body,
    ...(message.reply_to !== null ? { replyTo: { id: message.reply_to } } : {}),
  };
}

/**
 * The newest message of a thread sent at or before `watermark` by someone other than the
 * reader: their own messages of the same millisecond are not what they read.
 */
async function messageAt(api: MessengerApi, thread: string, watermark: number, reader: string): Promise<string | undefined> {
  const { messages } = await api.messages(thread, { limit: RECENT_PAGE });
  return messages.filter((m) => m.timestamp <= watermark && m.sender_id !== reader).at(-1)?.id;
}

/** How far back a read watermark or a retried edit looks for its message. */
export const RECENT_PAGE = LIMITS.maxPageSize;

export function editId(messageId: string, editCount: number): string {
  return `${messageId}#edit${editCount}`;
}

export async function deltaEvent(ctx: IncomingContext, { delta, timestamp }: DeltaEvent): Promise<RemoteEvent | undefined> {
  const base = { chat: chatRef(delta.thread_id), sender: { id: delta.actor_id, isMe: delta.own || delta.actor_id === ctx.self }, timestamp };
  switch (delta.type) {
    case "new_message":
      return messageEvent(ctx, delta.message, delta.own);
    case "message_edited":
      return { type: "edit", ...base, timestamp: delta.edited_at, id: editId(delta.message_id, delta.edit_count), target: delta.message_id, text: fromMessenger(delta.text, delta.mentions) };
    case "message_unsent":
      return { type: "delete", ...base, target: delta.message_id };
    case "reaction":
      return delta.emoji === null ? { type: "reaction-removed", ...base, target: delta.message_id } : { type: "reaction", ...base, target: delta.message_id, emoji: delta.emoji };
    case "read_receipt": {
      const target = await messageAt(ctx.api, delta.thread_id, delta.watermark_timestamp, delta.actor_id);
      return target === undefined ? undefined : { type: "receipt", ...base, timestamp: delta.watermark_timestamp, kind: "read", targets: [target] };
    }
    case "thread_created":
      return { type: "chat-info", ...base, name: delta.thread.name ?? "" };
    case "thread_name":
      return { type: "chat-info", ...base, name: delta.name ?? "" };
    case "thread_image":
      return { type: "chat-info", ...base, avatar: delta.image_attachment_id === null ? null : pictureFile(ctx.api, delta.image_attachment_id) };
    case "participants_added":
      return { type: "membership", ...base, action: "add", members: delta.user_ids };
    case "participant_removed":
      return delta.user_id === delta.actor_id
        ? { type: "membership", ...base, action: "leave", members: [delta.user_id] }
        : { type: "membership", ...base, action: "remove", members: [delta.user_id] };
    case "admin_changed":
      return { type: "admins", ...base, promoted: delta.is_admin ? [delta.user_id] : [], demoted: delta.is_admin ? [] : [delta.user_id] };
    case "thread_settings":
      return undefined;
    default:
      return undefined;
  }
}

/** Typing is live and carries no time: it happens now. */
export function typingEvent(self: string, frame: { thread_id: string; user_id: string; typing: boolean }, now = Date.now()): TypingEvent {
  return { type: "typing", chat: chatRef(frame.thread_id), sender: { id: frame.user_id, isMe: frame.user_id === self }, timestamp: now, state: frame.typing ? "typing" : "stopped" };
}
