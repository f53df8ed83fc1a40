/**
 * The common "person using the app" face (UserAgent) over the Messenger client: what the shell
 * command, the benchmark, the fuzz test and the bridge's conformance suite drive. Chats are
 * known by the id the user sees them under: the other person's id for a direct thread, the
 * group id otherwise. Messenger shows no styling; mentions are ranges of the text. Someone from
 * another network (a third-party contact) is marked with `thirdParty` on what they do.
 */
import type { AgentChat, AgentEvent, AgentMedia, AgentMessage, AgentSpan, AgentSpanKind, AgentText, UserAgent } from "../../client/agent.js";
import { checkedSpans } from "../../client/spans.js";
import type { WireMention, WireMessage, WireThirdParty, WireThread } from "../protocol.js";
import type { MessengerApi } from "./api.js";
import type { MessengerClient } from "./client.js";
import type { DeltaEvent } from "./realtime.js";
import { MessengerThirdPartyChats } from "./third-party.js";

const NUMERIC = /^[0-9]+$/;

export function messageKind(message: WireMessage): string {
  if (message.unsent) return "unsent";
  if (message.sticker_id !== null) return "sticker";
  return message.attachments[0]?.kind ?? "text";
}

export function toAgentMessage(message: WireMessage): AgentMessage {
  return {
    id: message.id,
    chat: message.thread_id,
    sender: message.sender_id,
    at: message.timestamp,
    kind: messageKind(message),
    ...(message.text !== null ? { text: message.text } : {}),
    ...(message.reply_to !== null ? { replyTo: message.reply_to } : {}),
  };
}

function toAgentChat(thread: WireThread, me: string): AgentChat {
  const others = thread.participants.filter((p) => p.id !== me);
  return { id: thread.id, kind: thread.kind, title: thread.name ?? others.map((p) => p.name).join(", "), members: others.map((p) => p.id) };
}

const MESSENGER_FORMATS: readonly AgentSpanKind[] = ["mention"];

function shown(text: string, mentions: readonly WireMention[]): AgentText {
  return { text, spans: mentions.map((m) => ({ kind: "mention", offset: m.offset, length: m.length, user: m.user_id })) };
}

function attachmentOf(api: MessengerApi, message: WireMessage): AgentMedia | undefined {
  const attachment = message.attachments[0];
  if (!attachment) return undefined;
  return { kind: attachment.kind, mime: attachment.mime, size: attachment.size, download: async () => (await api.download(attachment.id)).data };
}

/** The facade's marking of someone from another network. */
function thirdPartyMark(contact: WireThirdParty | undefined): Pick<AgentEvent, "thirdParty"> {
  return contact ? { thirdParty: { provider: contact.provider_id, id: contact.identity_id, name: contact.name, network: contact.network } } : {};
}

/** `api` fetches the files messages carry. */
export function toAgentEvent({ delta, timestamp }: DeltaEvent, api: MessengerApi): AgentEvent {
  const base = { chat: delta.thread_id, sender: delta.actor_id, at: timestamp, raw: delta, ...thirdPartyMark(delta.actor_third_party) };
  switch (delta.type) {
    case "new_message": {
      const { message } = delta;
      const media = attachmentOf(api, message);
      return {
        ...base,
        kind: "message",
        messageId: message.id,
        ...(message.text !== null ? { text: message.text, formatted: shown(message.text, message.mentions) } : {}),
        ...(media ? { media } : {}),
      };
    }
    case "message_edited":
      return { ...base, kind: "edit", messageId: delta.message_id, text: delta.text, formatted: shown(delta.text, delta.mentions) };
    case "message_unsent":
      return { ...base, kind: "delete", messageId: delta.message_id };
    case "reaction":
      return { ...base, kind: "reaction", messageId: delta.message_id, text: delta.emoji ?? "" };
    case "read_receipt":
      return { ...base, kind: "receipt", text: "read" };
    case "participants_added":
      return { ...base, kind: "membership", text: "added", members: delta.user_ids };
    case "participant_removed":
      return { ...base, kind: "membership", text: "removed", members: [delta.user_id] };
    default:
      return { ...base, kind: "chat" };
  }
}

export class MessengerAgent implements UserAgent {
  readonly network = "messenger" as const;
  readonly formats = MESSENGER_FORMATS;
  readonly interop: MessengerThirdPartyChats;

  constructor(readonly client: MessengerClient) {
    this.interop = new MessengerThirdPartyChats(client.api, (handle) => this.accountOf(handle));
  }

  get userId(): string {
    return this.client.accountId;
  }

  async chats(): Promise<AgentChat[]> {
    const chats: AgentChat[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.client.api.threads({ limit: 100, ...(cursor ? { cursor } : {}) });
      chats.push(...page.threads.map((t) => toAgentChat(t, this.userId)));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return chats;
  }

  async history(chat: string, limit = 20): Promise<AgentMessage[]> {
    return (await this.client.api.messages(chat, { limit: Math.min(limit, 100) })).messages.map(toAgentMessage);
  }

  /** `handle` is a numeric account id or an email address. */
  async startDirectChat(handle: string): Promise<AgentChat> {
    return toAgentChat(await this.client.api.createThread([await this.accountOf(handle)]), this.userId);
  }

  private async accountOf(handle: string): Promise<string> {
    return NUMERIC.test(handle) ? handle : (await this.client.api.userByEmail(handle)).id;
  }

  async send(chat: string, text: string, options: { replyTo?: string; spans?: AgentSpan[] } = {}): Promise<AgentMessage> {
    const mentions = checkedSpans("Messenger", this.formats, text, options.spans).map((s) => ({ offset: s.offset, length: s.length, user_id: s.user as string }));
    const sent = await this.client.api.send(chat, { text, mentions, ...(options.replyTo ? { replyTo: options.replyTo } : {}) });
    return { id: sent.message_id, chat: sent.thread_id, sender: this.userId, at: sent.timestamp, kind: "text", text, ...(options.replyTo ? { replyTo: options.replyTo } : {}) };
  }

  async sendImage(chat: string, data: Buffer, mime: string): Promise<AgentMessage> {
    const attachment = await this.client.api.upload({ kind: "image", mime, data });
    const sent = await this.client.api.send(chat, { attachmentIds: [attachment.id] });
    return { id: sent.message_id, chat: sent.thread_id, sender: this.userId, at: sent.timestamp, kind: "image" };
  }

  async edit(_chat: string, messageId: string, text: string): Promise<void> {
    await this.client.api.edit(messageId, text);
  }

  async react(_chat: string, messageId: string, emoji: string): Promise<void> {
    await (emoji === "" ? this.client.api.unreact(messageId) : this.client.api.react(messageId, emoji));
  }

  async delete(_chat: string, messageId: string): Promise<void> {
    await this.client.api.unsend(messageId);
  }

  async markRead(chat: string, messageId: string): Promise<void> {
    await this.client.api.markRead(chat, { messageId });
  }

  async typing(chat: string, typing: boolean): Promise<void> {
    await this.client.api.typing(chat, typing);
  }

  async createGroup(title: string, handles: string[]): Promise<AgentChat> {
    const ids = await Promise.all(handles.map((handle) => this.accountOf(handle)));
    return toAgentChat(await this.client.api.createThread(ids, title), this.userId);
  }

  async addMember(chat: string, handle: string): Promise<void> {
    await this.client.api.addParticipants(chat, [await this.accountOf(handle)]);
  }

  async removeMember(chat: string, handle: string): Promise<void> {
    await this.client.api.removeParticipant(chat, await this.accountOf(handle));
  }

  async setAdmin(chat: string, handle: string, admin: boolean): Promise<void> {
    await this.client.api.setAdmin(chat, await this.accountOf(handle), admin);
  }

  async endOtherSessions(): Promise<void> {
    for (const session of await this.client.api.sessions()) {
      if (!session.current) await this.client.api.revokeSession(session.session_id);
    }
  }

  async listen(onEvent: (event: AgentEvent) => void): Promise<() => Promise<void>> {
    const stream = this.client.realtime();
    const offs = [
      stream.on("delta", (event) => onEvent(toAgentEvent(event, this.client.api))),
      stream.on("typing", (event) =>
        onEvent({ kind: "typing", chat: event.thread_id, sender: event.user_id, text: event.typing ? "typing" : "stopped", active: event.typing, raw: event, ...thirdPartyMark(event.third_party) }),
      ),
      stream.on("resync", (event) => onEvent({ kind: "other", text: `resynchronised at seq ${event.snapshot.seq}`, raw: event })),
    ];
    await stream.start();
    return async () => {
      offs.forEach((off) => off());
      await this.client.close();
    };
  }

  async logout(): Promise<void> {
    await this.client.logout();
  }

  save(): unknown {
    return this.client.save();
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
