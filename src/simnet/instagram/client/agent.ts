/**
 * The common "person using the app" face (UserAgent) over the Instagram client: chats are
 * threads, messages are items (kind = Instagram's item_type), handles are usernames (or pks),
 * an empty reaction removes one's reaction, delete is unsend, read is the seen marker.
 */
import { randomUUID } from "node:crypto";
import type { AgentChat, AgentEvent, AgentMessage, UserAgent } from "../../client/agent.js";
import type { IgItem, IgThread } from "../protocol.js";
import type { SavedInstagramSession } from "./api.js";
import type { InstagramClient } from "./client.js";
import type { PositionedEvent } from "./events.js";
import { RealtimeSendInterrupted, type InstagramRealtime } from "./realtime.js";

/** The words of an item, whatever its kind. */
export function itemText(item: IgItem): string | undefined {
  return item.text ?? item.link?.text ?? item.reel_share?.text ?? item.like ?? item.action_log?.description ?? item.media_share?.caption?.text;
}

export function toAgentMessage(threadId: string, item: IgItem): AgentMessage {
  const text = itemText(item);
  return {
    id: item.item_id,
    chat: threadId,
    sender: item.user_id,
    at: Math.floor(item.timestamp / 1000),
    kind: item.item_type,
    ...(text !== undefined ? { text } : {}),
    ...(item.replied_to_message ? { replyTo: item.replied_to_message.item_id } : {}),
  };
}

function toAgentChat(thread: IgThread): AgentChat {
  return { id: thread.thread_id, kind: thread.is_group ? "group" : "direct", title: thread.thread_title, members: thread.users.map((u) => u.pk) };
}

export function toAgentEvent(event: PositionedEvent): AgentEvent {
  const at = (micros: number) => Math.floor(micros / 1000);
  switch (event.type) {
    case "item": {
      const message = toAgentMessage(event.threadId, event.item);
      const kind = event.item.item_type === "action_log" ? "chat" : "message";
      return { kind, chat: event.threadId, messageId: message.id, sender: message.sender, at: message.at, ...(message.text !== undefined ? { text: message.text } : {}), raw: event };
    }
    case "item_updated": {
      const text = itemText(event.item);
      return { kind: "edit", chat: event.threadId, messageId: event.item.item_id, sender: event.item.user_id, ...(text !== undefined ? { text } : {}), raw: event };
    }
    case "item_removed":
      return { kind: "delete", chat: event.threadId, messageId: event.itemId, raw: event };
    case "reaction":
      return { kind: "reaction", chat: event.threadId, messageId: event.itemId, sender: event.userId, text: event.emoji ?? "", raw: event };
    case "seen":
      return { kind: "receipt", chat: event.threadId, messageId: event.itemId, sender: event.userId, at: at(event.timestamp), raw: event };
    case "typing":
      return { kind: "typing", chat: event.threadId, sender: event.userId, text: event.active ? "typing" : "stopped typing", raw: event };
    case "thread":
      return { kind: "chat", chat: event.threadId, ...(event.thread ? { text: event.thread.thread_title } : { text: "left" }), raw: event };
    case "profile":
      return { kind: "profile", sender: event.user.pk, text: event.user.username, raw: event };
    default:
      return { kind: "other", raw: event };
  }
}

export class InstagramAgent implements UserAgent {
  readonly network = "instagram" as const;
  private readonly connections = new Set<InstagramRealtime>();
  /** The send-only connection, opened by the first send. */
  private sender: InstagramRealtime | undefined;
  private seqId: number | undefined;

  constructor(
    readonly client: InstagramClient,
    seqId?: number,
  ) {
    this.seqId = seqId;
  }

  get userId(): string {
    return this.client.userId;
  }

  async chats(): Promise<AgentChat[]> {
    const chats: AgentChat[] = [];
    let cursor: string | undefined;
    for (;;) {
      const { inbox } = await this.client.inbox({ limit: 50, ...(cursor ? { cursor } : {}) });
      chats.push(...inbox.threads.map(toAgentChat));
      if (!inbox.has_older || !inbox.oldest_cursor) return chats;
      cursor = inbox.oldest_cursor;
    }
  }

  async history(chat: string, limit = 20): Promise<AgentMessage[]> {
    const items: IgItem[] = [];
    let cursor: string | undefined;
    while (items.length < limit) {
      const thread = await this.client.thread(chat, { limit: Math.min(100, limit - items.length), ...(cursor ? { cursor } : {}) });
      items.push(...thread.items);
      if (!thread.has_older || !thread.oldest_cursor) break;
      cursor = thread.oldest_cursor;
    }
    return items.reverse().map((item) => toAgentMessage(chat, item));
  }

  async startDirectChat(handle: string): Promise<AgentChat> {
    const who = /^\d+$/.test(handle) ? { userId: handle } : { username: handle.replace(/^@/, "") };
    return toAgentChat(await this.client.directThread(who));
  }

  /**
   * Sends over the realtime connection when one is open (the app's way, and far cheaper than a
   * request), otherwise over REST; a send the connection dropped is retried over REST with the
   * same client_context, so it is never doubled. The first send opens a send-only connection
   * in the background for the next ones.
   */
  async send(chat: string, text: string, options: { replyTo?: string } = {}): Promise<AgentMessage> {
    const clientContext = randomUUID();
    const reply = options.replyTo !== undefined ? { replied_to_item_id: options.replyTo } : {};
    const channel = this.channel();
    if (channel) {
      try {
        return toAgentMessage(chat, await channel.sendItem("text", chat, clientContext, { text, ...reply }));
      } catch (error) {
        if (!(error instanceof RealtimeSendInterrupted)) throw error;
      }
    }
    return toAgentMessage(chat, await this.client.sendText(chat, text, { clientContext, ...(options.replyTo !== undefined ? { replyTo: options.replyTo } : {}) }));
  }

  /** An open connection to send over, if there is one; starts the send-only one otherwise. */
  private channel(): InstagramRealtime | undefined {
    const open = [...this.connections].find((c) => c.isConnected);
    if (open) return open;
    if (!this.sender) {
      this.sender = this.client.realtime({ subscribe: false });
      this.sender.start().catch(() => {});
    }
    return this.sender.isConnected ? this.sender : undefined;
  }

  async edit(chat: string, messageId: string, text: string): Promise<void> {
    await this.client.edit(chat, messageId, text);
  }

  async react(chat: string, messageId: string, emoji: string): Promise<void> {
    await this.client.react(chat, messageId, emoji === "" ? null : emoji);
  }

  delete(chat: string, messageId: string): Promise<void> {
    return this.client.unsend(chat, messageId);
  }

  async markRead(chat: string, messageId: string): Promise<void> {
    await this.client.markSeen(chat, messageId);
  }

  typing(chat: string, typing: boolean): Promise<void> {
    return this.client.typing(chat, typing);
  }

  async listen(onEvent: (event: AgentEvent) => void): Promise<() => Promise<void>> {
    const realtime = this.client.realtime(this.seqId !== undefined ? { seqId: this.seqId } : {});
    realtime.on("update", (event) => onEvent(toAgentEvent(event)));
    realtime.on("resync", (resync) => onEvent({ kind: "other", text: "resynchronised: events were missed", raw: resync }));
    this.connections.add(realtime);
    try {
      await realtime.start();
    } catch (error) {
      this.connections.delete(realtime);
      throw error;
    }
    return async () => {
      this.seqId = realtime.seqId;
      this.connections.delete(realtime);
      await realtime.close();
    };
  }

  async logout(): Promise<void> {
    await this.closeRealtime();
    try {
      await this.client.logout();
    } finally {
      this.client.http.close();
    }
  }

  save(): SavedInstagramSession {
    const live = [...this.connections].map((c) => c.seqId).filter((s): s is number => s !== undefined);
    const seqId = live.length > 0 ? Math.max(...live) : this.seqId;
    return { ...this.client.session, ...(seqId !== undefined ? { seqId } : {}) };
  }

  async close(): Promise<void> {
    await this.closeRealtime();
    this.client.http.close();
  }

  private async closeRealtime(): Promise<void> {
    for (const realtime of this.connections) this.seqId = realtime.seqId ?? this.seqId;
    const open = [...this.connections, ...(this.sender ? [this.sender] : [])];
    this.connections.clear();
    this.sender = undefined;
    await Promise.all(open.map((realtime) => realtime.close()));
  }
}
