/**
 * The common "person using the app" face (UserAgent) over the Instagram client: chats are
 * threads, messages are items (kind = Instagram's item_type), handles are usernames (or pks),
 * an empty reaction removes one's reaction, delete is unsend, read is the seen marker. Texts are
 * plain; the app shows the URL it previewed as a link. Third-party contacts are users with a
 * badge: what they do comes with `thirdParty` set, and `interop` is the app's third-party chats.
 */
import { randomUUID } from "node:crypto";
import type { AgentChat, AgentEvent, AgentMedia, AgentMessage, AgentSpan, AgentSpanKind, AgentText, UserAgent } from "../../client/agent.js";
import { checkedSpans } from "../../client/spans.js";
import type { IgItem, IgThirdPartyBadge, IgThread } from "../protocol.js";
import type { InstagramApi, SavedInstagramSession } from "./api.js";
import type { InstagramClient } from "./client.js";
import type { PositionedEvent } from "./events.js";
import { InstagramInteropUser } from "./interop-user.js";
import { RealtimeSendInterrupted, startListening, type InstagramRealtime } from "./realtime.js";

const INSTAGRAM_FORMATS: readonly AgentSpanKind[] = ["link"];
/** The first URL of a text, as the server finds the one it previews. */
const URL_IN_TEXT = /\b(?:https?:\/\/|www\.)[^\s<>"]+/i;
const TRAILING_PUNCTUATION = /[.,!?;:)\]]+$/;

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

function shown(item: IgItem, text: string): AgentText {
  const found = item.link ? URL_IN_TEXT.exec(text) : null;
  if (!item.link || !found) return { text, spans: [] };
  const url = found[0].replace(TRAILING_PUNCTUATION, "");
  return { text, spans: [{ kind: "link", offset: found.index, length: url.length, url: item.link.link_context.link_url }] };
}

/** The facade's mark of a third-party contact, from the badge Instagram puts on what they do. */
function thirdParty(badge: IgThirdPartyBadge | undefined): Pick<AgentEvent, "thirdParty"> {
  return badge ? { thirdParty: { provider: badge.provider_id, id: badge.id, name: badge.name, network: badge.network } } : {};
}

function wordsOf(item: IgItem): Pick<AgentEvent, "text" | "formatted"> {
  const text = itemText(item);
  return text === undefined ? {} : { text, formatted: shown(item, text) };
}

function mediaOf(api: InstagramApi, item: IgItem): AgentMedia | undefined {
  const media = item.media;
  if (!media) return undefined;
  return { kind: media.media_type === 1 ? "photo" : "video", mime: media.mime, size: media.size, download: async () => (await api.download(media.url)).data };
}

/**
 * Who is in each group, as far as this user has seen: Instagram sends a changed group whole,
 * so the people added or removed are the difference from the version before.
 */
export class GroupMembers {
  private readonly known = new Map<string, Set<string>>();

  remember(thread: IgThread): void {
    if (thread.is_group) this.known.set(thread.thread_id, new Set(thread.users.map((u) => u.pk)));
  }

  /** The change a new version of a thread makes; nothing for a thread not seen before. */
  change(thread: IgThread): { added: string[]; removed: string[] } {
    const before = this.known.get(thread.thread_id);
    this.remember(thread);
    if (!before) return { added: [], removed: [] };
    const now = new Set(thread.users.map((u) => u.pk));
    return { added: [...now].filter((pk) => !before.has(pk)), removed: [...before].filter((pk) => !now.has(pk)) };
  }

  forget(threadId: string): void {
    this.known.delete(threadId);
  }
}

/** `api` fetches files; `members` turns changed groups into membership events (this user's leaving included). */
export function toAgentEvent(event: PositionedEvent, api: InstagramApi, members: GroupMembers): AgentEvent {
  const at = (micros: number) => Math.floor(micros / 1000);
  switch (event.type) {
    case "item": {
      const message = toAgentMessage(event.threadId, event.item);
      const kind = event.item.item_type === "action_log" ? "chat" : "message";
      const media = mediaOf(api, event.item);
      const by = thirdParty(event.item.third_party_sender);
      return { kind, chat: event.threadId, messageId: message.id, sender: message.sender, at: message.at, ...wordsOf(event.item), ...(media ? { media } : {}), ...by, raw: event };
    }
    case "item_updated":
      return { kind: "edit", chat: event.threadId, messageId: event.item.item_id, sender: event.item.user_id, ...wordsOf(event.item), ...thirdParty(event.item.third_party_sender), raw: event };
    case "item_removed":
      return { kind: "delete", chat: event.threadId, messageId: event.itemId, raw: event };
    case "reaction":
      return { kind: "reaction", chat: event.threadId, messageId: event.itemId, sender: event.userId, text: event.emoji ?? "", ...thirdParty(event.thirdParty), raw: event };
    case "seen":
      return { kind: "receipt", chat: event.threadId, messageId: event.itemId, sender: event.userId, text: "read", at: at(event.timestamp), ...thirdParty(event.thirdParty), raw: event };
    case "typing": {
      const state = event.active ? "typing" : "stopped typing";
      return { kind: "typing", chat: event.threadId, sender: event.userId, text: state, active: event.active, ...thirdParty(event.thirdParty), raw: event };
    }
    case "thread":
      return threadEvent(event, api.userId, members);
    case "profile":
      return { kind: "profile", sender: event.user.pk, text: event.user.username, raw: event };
    default:
      return { kind: "other", raw: event };
  }
}

function threadEvent(event: Extract<PositionedEvent, { type: "thread" }>, me: string, members: GroupMembers): AgentEvent {
  if (!event.thread) {
    members.forget(event.threadId);
    return { kind: "membership", chat: event.threadId, text: "removed", members: [me], raw: event };
  }
  const { added, removed } = members.change(event.thread);
  if (added.length > 0) return { kind: "membership", chat: event.threadId, text: "added", members: added, raw: event };
  if (removed.length > 0) return { kind: "membership", chat: event.threadId, text: "removed", members: removed, raw: event };
  return { kind: "chat", chat: event.threadId, text: event.thread.thread_title, raw: event };
}

export class InstagramAgent implements UserAgent {
  readonly network = "instagram" as const;
  readonly formats = INSTAGRAM_FORMATS;
  readonly interop: InstagramInteropUser;
  private readonly groups = new GroupMembers();
  private readonly connections = new Set<InstagramRealtime>();
  /** The send-only connection, opened by the first send. */
  private sender: InstagramRealtime | undefined;
  private seqId: number | undefined;

  constructor(
    readonly client: InstagramClient,
    seqId?: number,
  ) {
    this.seqId = seqId;
    this.interop = new InstagramInteropUser(client, (handle) => this.pkOf(handle));
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

  /** A person's pk from their username (or pk). */
  private async pkOf(handle: string): Promise<string> {
    return /^\d+$/.test(handle) ? handle : (await this.client.userByUsername(handle.replace(/^@/, ""))).pk;
  }

  /**
   * Sends over the realtime connection when one is open (the app's way, and far cheaper than a
   * request), otherwise over REST; a send the connection dropped is retried over REST with the
   * same client_context, so it is never doubled. The first send opens a send-only connection
   * in the background for the next ones.
   */
  async send(chat: string, text: string, options: { replyTo?: string; spans?: AgentSpan[] } = {}): Promise<AgentMessage> {
    // A link is its URL in the text, which the server finds itself.
    checkedSpans("Instagram", this.formats, text, options.spans);
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

  async sendImage(chat: string, data: Buffer): Promise<AgentMessage> {
    // The server tells the type from the bytes, as Instagram's upload service does.
    const upload = await this.client.upload("photo", data);
    return toAgentMessage(chat, await this.client.sendMedia(chat, upload.upload_id, "photo"));
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

  async createGroup(title: string, handles: string[]): Promise<AgentChat> {
    const thread = await this.client.createGroup({ userIds: await Promise.all(handles.map((handle) => this.pkOf(handle))) }, { title });
    this.groups.remember(thread);
    return toAgentChat(thread);
  }

  async addMember(chat: string, handle: string): Promise<void> {
    await this.client.addUsers(chat, [await this.pkOf(handle)]);
  }

  async removeMember(chat: string, handle: string): Promise<void> {
    await this.client.removeUsers(chat, [await this.pkOf(handle)]);
  }

  async setAdmin(chat: string, handle: string, admin: boolean): Promise<void> {
    const pk = await this.pkOf(handle);
    await (admin ? this.client.addAdmins(chat, [pk]) : this.client.removeAdmins(chat, [pk]));
  }

  async endOtherSessions(): Promise<void> {
    for (const session of await this.client.loginActivity()) {
      if (!session.is_current) await this.client.endSession(session.session_id);
    }
  }

  async listen(onEvent: (event: AgentEvent) => void): Promise<() => Promise<void>> {
    const realtime = this.client.realtime(this.seqId !== undefined ? { seqId: this.seqId } : {});
    realtime.on("update", (event) => onEvent(toAgentEvent(event, this.client, this.groups)));
    realtime.on("resync", (resync) => onEvent({ kind: "other", text: "resynchronised: events were missed", raw: resync }));
    return startListening(this.connections, realtime, () => (this.seqId = realtime.seqId));
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
