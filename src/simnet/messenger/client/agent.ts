/**
 * The common "person using the app" face (UserAgent) over the Messenger client: what the shell
 * command, the benchmark and the fuzz test drive. Chats are known by the id the user sees them
 * under: the other person's id for a direct thread, the group id otherwise.
 */
import type { AgentChat, AgentEvent, AgentMessage, UserAgent } from "../../client/agent.js";
import type { WireMessage, WireThread } from "../protocol.js";
import type { MessengerClient } from "./client.js";
import type { DeltaEvent } from "./realtime.js";

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

export function toAgentEvent({ delta, timestamp }: DeltaEvent): AgentEvent {
  const base = { chat: delta.thread_id, sender: delta.actor_id, at: timestamp, raw: delta };
  switch (delta.type) {
    case "new_message":
      return { ...base, kind: "message", messageId: delta.message.id, ...(delta.message.text !== null ? { text: delta.message.text } : {}) };
    case "message_edited":
      return { ...base, kind: "edit", messageId: delta.message_id, text: delta.text };
    case "message_unsent":
      return { ...base, kind: "delete", messageId: delta.message_id };
    case "reaction":
      return { ...base, kind: "reaction", messageId: delta.message_id, text: delta.emoji ?? "" };
    case "read_receipt":
      return { ...base, kind: "receipt" };
    default:
      return { ...base, kind: "chat" };
  }
}

export class MessengerAgent implements UserAgent {
  readonly network = "messenger" as const;

  constructor(readonly client: MessengerClient) {}

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
    const id = NUMERIC.test(handle) ? handle : (await this.client.api.userByEmail(handle)).id;
    return toAgentChat(await this.client.api.createThread([id]), this.userId);
  }

  async send(chat: string, text: string, options: { replyTo?: string } = {}): Promise<AgentMessage> {
    const sent = await this.client.api.send(chat, { text, ...(options.replyTo ? { replyTo: options.replyTo } : {}) });
    return { id: sent.message_id, chat: sent.thread_id, sender: this.userId, at: sent.timestamp, kind: "text", text, ...(options.replyTo ? { replyTo: options.replyTo } : {}) };
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

  async listen(onEvent: (event: AgentEvent) => void): Promise<() => Promise<void>> {
    const stream = this.client.realtime();
    const offs = [
      stream.on("delta", (event) => onEvent(toAgentEvent(event))),
      stream.on("typing", (event) => onEvent({ kind: "typing", chat: event.thread_id, sender: event.user_id, text: event.typing ? "typing" : "stopped", raw: event })),
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
