/**
 * One logged-in Instagram account, connected. Patches reach the core one at a time and the
 * realtime client acks a `seq_id` only once `sink.handle` resolved for everything in it (it hands
 * patches over with `emitAsync`); a rejection leaves the position unacked, the socket is dropped
 * and reopened from the last processed `seq_id`, so Instagram delivers the patch again with
 * everything after it. The connection resumes from the session's last ack, so a restarted bridge
 * misses nothing; past retention the client resynchronises from an inbox snapshot, and the
 * connector hands over the messages the inbox shows that are newer than the last item it handled.
 * That item's id is part of the stored session (`sessionChanged`), so after a restart a resync
 * asks only for what is really new instead of offering every thread's recent history again.
 */
import {
  NetworkError,
  type ChatInfo,
  type ChatRef,
  type ConnectionState,
  type ConnectorLogger,
  type FormattedText,
  type MessageEvent,
  type NetworkSession,
  type OutgoingMessage,
  type RemoteChatId,
  type RemoteEvent,
  type RemoteEventSink,
  type RemoteMessageId,
  type RemoteUser,
  type RemoteUserId,
  type SendResult,
} from "../../network/index.js";
import { SimnetRequestError } from "../../simnet/client/http.js";
import type { InstagramClient } from "../../simnet/instagram/client/client.js";
import type { PositionedEvent } from "../../simnet/instagram/client/events.js";
import { resumeSession } from "../../simnet/instagram/client/login.js";
import { RealtimeSendInterrupted, type InstagramRealtime } from "../../simnet/instagram/client/realtime.js";
import { LIMITS, type IgInbox, type IgItem, type IgThread, type SendKind } from "../../simnet/instagram/protocol.js";
import { EditRetries } from "../common/edit-retries.js";
import { SavedMark } from "../common/saved-mark.js";
import { SerialQueue } from "../common/serial-queue.js";
import { groupChangeEvents } from "./changes.js";
import { mapErrors, toNetworkError } from "./errors.js";
import { recentMessages } from "./history.js";
import { editIdFor, isLaterItem, millis, newestItemId, pendingDirectChat, pendingDirectUser } from "./ids.js";
import { inboxThreads } from "./inbox.js";
import { displayName, editEvent, messageEvent, type Viewer } from "./incoming.js";
import { sendOutgoing } from "./outgoing.js";
import { toInstagram } from "./text.js";
import type { StoredSession } from "./stored-session.js";
import { chatInfo, chatRef, ThreadCache, type ThreadState } from "./threads.js";
import { normaliseUsername, remoteUser } from "./users.js";

export interface SessionOptions {
  backoff?: { initialMs: number; maxMs: number };
}

/** How far back a resync looks in each thread that has items newer than the last one handled. */
const RESYNC_MESSAGES_PER_THREAD = 100;

const sent = (item: IgItem): SendResult => ({ id: item.item_id, timestamp: millis(item.timestamp) });

export class InstagramNetworkSession implements NetworkSession {
  private readonly client: InstagramClient;
  private readonly cache = new ThreadCache();
  private readonly queue = new SerialQueue();
  private readonly editRetries = new EditRetries();
  private readonly viewer: Viewer;
  private realtime: InstagramRealtime | undefined;
  private current: ConnectionState = "disconnected";
  private stopping = false;
  private ended = false;
  private endedByCore = false;
  private resyncDetail: string | undefined;
  /**
   * The newest item handed over (ids grow with time), to tell what a resync snapshot shows that
   * is new. Stored with the session; unknown only for a session stored before it was kept, and a
   * resync then offers the snapshot's recent history (the core recognises by id what it has).
   */
  private readonly lastItem: SavedMark<string>;
  /** A thread patch waiting for the action-log item that names who changed the group. */
  private pendingChange: { after: IgThread } | undefined;
  /** Threads the bridge itself left, so their removal is the account's own leaving. */
  private readonly leaving = new Set<string>();

  constructor(
    url: string,
    saved: StoredSession,
    private readonly sink: RemoteEventSink,
    private readonly logger: ConnectorLogger,
    private readonly options: SessionOptions = {},
  ) {
    // The network's address is configuration, not part of the login: it may move.
    const { lastItemId, ...session } = saved;
    this.client = resumeSession(url, session);
    this.lastItem = new SavedMark(lastItemId, (id) => sink.sessionChanged({ ...this.client.session, lastItemId: id } satisfies StoredSession), isLaterItem);
    this.viewer = { id: saved.userId, download: async (url) => (await this.client.download(url)).data };
  }

  get remoteUserId(): RemoteUserId {
    return this.client.userId;
  }

  get state(): ConnectionState {
    return this.current;
  }

  async start(): Promise<void> {
    if (this.ended) throw new NetworkError("logged_out", "this Instagram session has ended; log in again");
    if (this.realtime?.isConnected) return;
    this.stopping = false;
    const realtime = this.client.realtime({
      fromLastAck: true,
      ...(this.options.backoff ? { reconnectInitialMs: this.options.backoff.initialMs, reconnectMaxMs: this.options.backoff.maxMs } : {}),
    });
    this.realtime = realtime;
    realtime.on("update", (event) => this.onUpdate(event));
    realtime.on("connected", () => {
      const detail = this.resyncDetail;
      this.resyncDetail = undefined;
      this.setState("connected", detail);
    });
    realtime.on("disconnected", ({ code, reason }) => {
      if (!this.stopping) this.setState("disconnected", `connection lost (${code}${reason ? ` ${reason}` : ""}); reconnecting with backoff`);
    });
    realtime.on("resync_required", (info) => {
      this.logger.warn("Instagram no longer kept this session's position: events in the gap are lost; reconciling from a new inbox snapshot", { ...info });
      this.resyncDetail = `resynchronised: Instagram no longer kept what came after position ${info.seqId} (kept from ${info.firstSeqId}, latest ${info.latestSeqId}); continuing from a new snapshot`;
    });
    realtime.on("resync", ({ inbox }) => this.reconcile(inbox));
    realtime.on("logged_out", ({ reason }) => this.end(`logged_out: Instagram ended the session (${reason})`));
    realtime.on("error", (error) => this.logger.debug("Instagram realtime error", { error: String(error) }));
    this.setState("connecting");
    try {
      await realtime.start();
    } catch (error) {
      const mapped = toNetworkError(error);
      if (mapped.code === "logged_out") {
        this.end("logged_out: Instagram no longer accepts this session");
        throw mapped;
      }
      this.setState("disconnected", String(error));
      throw mapped;
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.realtime?.close();
    await this.queue.idle();
    this.lastItem.flush();
    this.client.http.close();
    if (!this.ended) this.current = "disconnected";
  }

  async logout(): Promise<void> {
    this.endedByCore = true;
    try {
      await this.client.logout();
    } catch (error) {
      const mapped = toNetworkError(error);
      if (mapped.code !== "logged_out") {
        this.endedByCore = false;
        throw mapped;
      }
    }
    this.stopping = true;
    this.ended = true;
    this.current = "logged-out";
    await this.realtime?.close();
    await this.queue.idle();
    this.client.http.close();
  }

  // Receiving

  private setState(state: ConnectionState, detail?: string): void {
    if (this.ended) return;
    this.current = state;
    this.sink.connectionChanged(state, detail);
  }

  private end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.stopping = true;
    this.current = "logged-out";
    this.logger.info("Instagram ended the session", { reason });
    if (!this.endedByCore) this.sink.loggedOut(reason);
    this.realtime?.close().catch(() => {});
  }

  /** Resolves once the core has every event the patch makes; rejects (leaving it unacked) if not. */
  private async onUpdate(update: PositionedEvent): Promise<void> {
    if (update.type === "typing") {
      // Typing is live only: one the core refuses is gone, and must not hold up the stream.
      if (this.stopping || update.userId === this.viewer.id) return;
      const chat = await this.chatFor(update.threadId).catch(() => undefined);
      if (!chat) return;
      const event: RemoteEvent = { type: "typing", chat, sender: { id: update.userId, isMe: false }, timestamp: Date.now(), state: update.active ? "typing" : "stopped" };
      this.queue.run(() => this.sink.handle(event)).catch((error: unknown) => this.logger.debug("the bridge did not take an Instagram typing event", { error: String(error) }));
      return;
    }
    if (this.stopping) throw new Error("the Instagram session is stopping; the patch is left for the next start");
    let events: RemoteEvent[];
    try {
      events = await this.convert(update);
    } catch (error) {
      const mapped = toNetworkError(error);
      // Looking up the thread failed for a reason retrying may fix: get the patch again.
      if (mapped.code === "transient" || mapped.code === "rate_limited") throw mapped;
      this.logger.warn("skipping an Instagram patch the bridge cannot read", { type: update.type, error: String(error) });
      return;
    }
    for (const event of events) {
      try {
        await this.queue.run(() => this.sink.handle(event));
      } catch (error) {
        this.logger.warn("the bridge did not take an Instagram event; Instagram delivers it again after reconnecting", { type: event.type, error: String(error) });
        throw error;
      }
    }
    this.afterHandled(update);
  }

  /** Remembers what a handed-over patch changed, only once the core has it (a redelivery must diff the same). */
  private afterHandled(update: PositionedEvent): void {
    if (update.type === "item") {
      this.cache.noteSender(update.item.item_id, update.item.user_id);
      this.lastItem.note(update.item.item_id);
      if (update.item.item_type === "action_log" && this.pendingChange?.after.thread_id === update.threadId) {
        this.cache.remember(this.pendingChange.after);
        this.pendingChange = undefined;
      }
    }
    if (update.type === "thread" && update.op === "remove") {
      this.cache.forget(update.threadId);
      this.leaving.delete(update.threadId);
    }
  }

  private async convert(update: PositionedEvent): Promise<RemoteEvent[]> {
    switch (update.type) {
      case "item": {
        const chat = await this.chatFor(update.threadId);
        if (update.item.item_type === "action_log") return this.groupChange(update.threadId, update.item);
        const event = messageEvent(chat, update.item, this.viewer);
        if (!event) this.logger.debug("skipping an Instagram item the bridge does not show", { kind: update.item.item_type });
        return event ? [event] : [];
      }
      case "item_updated": {
        const event = editEvent(await this.chatFor(update.threadId), update.item, this.viewer, Date.now());
        return event ? [event] : [];
      }
      case "item_removed": {
        const chat = await this.chatFor(update.threadId);
        const state = this.cache.get(update.threadId);
        // Only the sender can unsend; in a direct thread, an item not seen before is most likely the peer's.
        const sender = this.cache.senderOf(update.itemId) ?? (state?.kind === "direct" ? state.others[0] : undefined) ?? this.viewer.id;
        return [{ type: "delete", chat, sender: { id: sender, isMe: sender === this.viewer.id }, timestamp: Date.now(), target: update.itemId }];
      }
      case "reaction": {
        const chat = await this.chatFor(update.threadId);
        const base = { chat, sender: { id: update.userId, isMe: update.userId === this.viewer.id }, timestamp: update.timestamp !== undefined ? millis(update.timestamp) : Date.now(), target: update.itemId };
        return [update.emoji === null ? { ...base, type: "reaction-removed" } : { ...base, type: "reaction", emoji: update.emoji }];
      }
      case "seen": {
        const chat = await this.chatFor(update.threadId);
        return [{ type: "receipt", chat, sender: { id: update.userId, isMe: update.userId === this.viewer.id }, timestamp: millis(update.timestamp), kind: "read", targets: [update.itemId] }];
      }
      case "thread":
        return this.threadPatch(update);
      case "profile": {
        const user = update.user;
        const chat = await this.chatWithPerson(user.pk);
        if (!chat) {
          this.logger.debug("skipping a profile change of someone in no thread of this account", { user: user.pk });
          return [];
        }
        const { avatar = null, avatarId } = remoteUser(user, this.viewer.download);
        return [
          { type: "profile", chat, sender: { id: user.pk, isMe: user.pk === this.viewer.id }, timestamp: Date.now(), user: user.pk, name: displayName(user), avatar, ...(avatarId ? { avatarId } : {}) },
        ];
      }
      default:
        this.logger.debug("skipping an Instagram patch the bridge does not know", { type: update.type });
        return [];
    }
  }

  private threadPatch(update: Extract<PositionedEvent, { type: "thread" }>): RemoteEvent[] {
    if (update.op === "remove") {
      const state = this.cache.get(update.threadId);
      if (!state) return [];
      const left = this.leaving.has(update.threadId);
      const actor = left ? this.viewer.id : (state.admins[0] ?? this.viewer.id);
      return [{ type: "membership", chat: chatRef(state), sender: { id: actor, isMe: actor === this.viewer.id }, timestamp: Date.now(), action: left ? "leave" : "remove", members: [this.viewer.id] }];
    }
    if (!update.thread) return [];
    if (update.op === "add" || !this.cache.get(update.threadId)) {
      this.cache.remember(update.thread);
      return [];
    }
    // The action-log item that follows names who did it (see changes.ts).
    this.pendingChange = { after: update.thread };
    return [];
  }

  private groupChange(threadId: string, item: IgItem): RemoteEvent[] {
    const pending = this.pendingChange;
    const before = this.cache.get(threadId);
    if (!pending || pending.after.thread_id !== threadId || !before) return [];
    const after: ThreadState = { ...before, ...stateOf(pending.after) };
    return groupChangeEvents(before, after, this.viewer.id, item.user_id, millis(item.timestamp));
  }

  /**
   * A thread the person is in, for their profile change (a ghost is one per person, whichever
   * room it is announced through): their direct thread if known, else a group; after a restart
   * nothing is known yet, and the inbox is read until one turns up.
   */
  private async chatWithPerson(user: RemoteUserId): Promise<ChatRef | undefined> {
    const known = this.cache.threadWith(user, this.viewer.id);
    if (known) return chatRef(known);
    for await (const thread of inboxThreads(this.client)) {
      const state = this.cache.remember(thread);
      if (user === this.viewer.id || state.others.includes(user)) return chatRef(state);
    }
    return undefined;
  }

  /** The chat a thread is, asked of Instagram the first time. */
  private async chatFor(threadId: string): Promise<ChatRef> {
    const known = this.cache.get(threadId);
    if (known) return chatRef(known);
    return chatRef(this.cache.remember(await this.client.thread(threadId, { limit: 1 })));
  }

  /**
   * After a resync: the items newer than the last one handed over, from every thread that has
   * any, handed over oldest first per thread (the core recognises any it already has by id).
   * Threads come by last activity, so paging the inbox stops after a page with nothing new.
   * Without a known position only the snapshot's own threads are looked at. The position moves
   * only once every thread is done: a thread handed over first may hold newer items than one
   * after it, and a reconciliation cut short is done again from the same position.
   */
  private async reconcile(snapshot: IgInbox): Promise<void> {
    const since = this.lastItem.current;
    const threads = since === undefined ? snapshot.inbox.threads : inboxThreads(this.client, snapshot);
    const handed: string[] = [];
    let quiet = 0;
    for await (const thread of threads) {
      const state = this.cache.remember(thread);
      const newest = thread.items[0]?.item_id;
      if (since !== undefined && (newest === undefined || !isLaterItem(newest, since))) {
        if (++quiet >= LIMITS.inboxPageDefault) break;
        continue;
      }
      quiet = 0;
      const recent = await recentMessages(this.client, chatRef(state), RESYNC_MESSAGES_PER_THREAD, this.viewer, since !== undefined ? { after: since } : {});
      for (const event of recent) {
        await this.queue.run(() => this.sink.handle(event));
        handed.push(event.id);
      }
    }
    const newest = newestItemId(handed);
    if (newest !== undefined) this.lastItem.note(newest);
    this.lastItem.flush();
    this.logger.info("Reconciled from Instagram's inbox after a resync", { since: since ?? "unknown", messages: handed.length });
  }

  // Looking things up

  getSelf(): Promise<RemoteUser> {
    return mapErrors(async () => remoteUser(await this.client.currentUser(), this.viewer.download));
  }

  getUser(id: RemoteUserId): Promise<RemoteUser> {
    return mapErrors(async () => remoteUser(await this.client.user(id), this.viewer.download));
  }

  /**
   * A username (with or without @) or a pk. Instagram names a direct thread by a server-chosen
   * id, so the thread with the person found is looked up (and, as Instagram does when one opens a
   * chat, created) here, for `directChatWith` to answer with it.
   */
  resolveUser(identifier: string): Promise<RemoteUser | undefined> {
    return mapErrors(async () => {
      const wanted = normaliseUsername(identifier);
      if (!wanted) return undefined;
      let user;
      try {
        user = /^\d+$/.test(wanted) ? await this.client.user(wanted) : await this.client.userByUsername(wanted);
      } catch (error) {
        if (error instanceof SimnetRequestError && (error.status === 404 || error.status === 400)) return undefined;
        throw error;
      }
      if (user.pk !== this.viewer.id && !this.cache.directWith(user.pk)) this.cache.remember(await this.client.directThread({ userId: user.pk }));
      return remoteUser(user, this.viewer.download);
    });
  }

  listChats(): Promise<ChatInfo[]> {
    return mapErrors(async () => {
      const chats: ChatInfo[] = [];
      for await (const thread of inboxThreads(this.client)) {
        this.cache.remember(thread);
        chats.push(chatInfo(thread, this.viewer.id, this.viewer.download));
      }
      return chats;
    });
  }

  getChat(id: RemoteChatId): Promise<ChatInfo> {
    return mapErrors(async () => {
      const thread = await this.client.thread(await this.threadId(id), { limit: 1 });
      this.cache.remember(thread);
      return chatInfo(thread, this.viewer.id, this.viewer.download);
    });
  }

  directChatWith(user: RemoteUserId): RemoteChatId {
    return this.cache.directWith(user) ?? pendingDirectChat(user);
  }

  history(chat: RemoteChatId, limit: number): Promise<MessageEvent[]> {
    return mapErrors(async () => {
      const id = await this.threadId(chat);
      return recentMessages(this.client, await this.chatFor(id), limit, this.viewer, { onThread: (thread) => this.cache.remember(thread) });
    });
  }

  /** A thread id for a chat id, opening the direct thread for one the connector named by person. */
  private async threadId(chat: RemoteChatId): Promise<string> {
    const user = pendingDirectUser(chat);
    if (user === undefined) return chat;
    return this.cache.directWith(user) ?? this.cache.remember(await this.client.directThread({ userId: user })).id;
  }

  // Sending

  /** Over the realtime socket when it is open, as the app does; over REST with the same client_context otherwise. */
  private readonly sendItem = async (kind: SendKind, threadId: string, clientContext: string, fields: Record<string, unknown>): Promise<IgItem> => {
    const realtime = this.realtime;
    if (realtime?.isConnected) {
      try {
        return await realtime.sendItem(kind, threadId, clientContext, fields);
      } catch (error) {
        if (!(error instanceof RealtimeSendInterrupted)) throw error;
      }
    }
    const { replied_to_item_id: replyTo, ...rest } = fields;
    return this.client.broadcast(kind, threadId, rest, { clientContext, ...(typeof replyTo === "string" ? { replyTo } : {}) });
  };

  send(chat: RemoteChatId, message: OutgoingMessage, key: string): Promise<SendResult> {
    return mapErrors(async () => {
      const { item, caption } = await sendOutgoing(this.client, this.sendItem, await this.threadId(chat), message, key);
      this.cache.noteSender(item.item_id, item.user_id);
      if (!caption) return sent(item);
      this.cache.noteSender(caption.item_id, caption.user_id);
      return { ...sent(item), extraIds: [caption.item_id] };
    });
  }

  /** Instagram edits in place and keeps no edit id: the edit's id is the item's with its count. */
  edit(chat: RemoteChatId, target: RemoteMessageId, text: FormattedText, key: string): Promise<SendResult> {
    return mapErrors(async () => {
      const threadId = await this.threadId(chat);
      const wanted = toInstagram(text);
      if (this.editRetries.triedBefore(key)) {
        const current = (await this.client.thread(threadId, { limit: LIMITS.threadPageMax })).items.find((item) => item.item_id === target);
        if (current?.edit_count && (current.text ?? current.link?.text) === wanted) return { id: editIdFor(current.item_id, current.edit_count), timestamp: Date.now() };
      }
      const item = await this.client.edit(threadId, target, wanted);
      return { id: editIdFor(item.item_id, item.edit_count), timestamp: Date.now() };
    });
  }

  react(chat: RemoteChatId, target: RemoteMessageId, emoji: string): Promise<void> {
    return mapErrors(async () => void (await this.client.react(await this.threadId(chat), target, emoji)));
  }

  removeReaction(chat: RemoteChatId, target: RemoteMessageId): Promise<void> {
    return mapErrors(async () => void (await this.client.react(await this.threadId(chat), target, null)));
  }

  delete(chat: RemoteChatId, target: RemoteMessageId): Promise<void> {
    return mapErrors(async () => this.client.unsend(await this.threadId(chat), target));
  }

  /** Seen markers are watermarks: marking the newest marks everything before it. */
  markRead(chat: RemoteChatId, targets: RemoteMessageId[]): Promise<void> {
    return mapErrors(async () => {
      const newest = newestItemId(targets);
      if (newest !== undefined) await this.client.markSeen(await this.threadId(chat), newest);
    });
  }

  setTyping(chat: RemoteChatId, typing: boolean): Promise<void> {
    return mapErrors(async () => this.client.typing(await this.threadId(chat), typing));
  }

  // Groups

  setChatName(chat: RemoteChatId, name: string): Promise<void> {
    return mapErrors(async () => void (await this.client.renameGroup(chat, name)));
  }

  async setChatTopic(): Promise<void> {
    throw new NetworkError("unsupported", "Instagram groups have no topic or description");
  }

  async setChatAvatar(): Promise<void> {
    throw new NetworkError("unsupported", "Instagram groups have no picture of their own");
  }

  addMembers(chat: RemoteChatId, users: RemoteUserId[]): Promise<void> {
    return mapErrors(async () => void (await this.client.addUsers(chat, users)));
  }

  removeMembers(chat: RemoteChatId, users: RemoteUserId[]): Promise<void> {
    return mapErrors(async () => void (await this.client.removeUsers(chat, users)));
  }

  setAdmin(chat: RemoteChatId, user: RemoteUserId, admin: boolean): Promise<void> {
    return mapErrors(async () => void (await (admin ? this.client.addAdmins(chat, [user]) : this.client.removeAdmins(chat, [user]))));
  }

  leaveChat(chat: RemoteChatId): Promise<void> {
    return mapErrors(async () => {
      this.leaving.add(chat);
      try {
        await this.client.leaveGroup(chat);
      } catch (error) {
        this.leaving.delete(chat);
        throw error;
      }
    });
  }
}

function stateOf(thread: IgThread): Omit<ThreadState, "id" | "kind"> {
  return { title: thread.thread_title, others: thread.users.map((u) => u.pk), admins: [...thread.admin_user_ids] };
}
