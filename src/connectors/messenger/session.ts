/**
 * One logged-in Messenger account, connected. Deltas reach the core one at a time and in order;
 * the client's realtime stream emits them with `emitAsync` and acknowledges (and moves its resume
 * position past) a delta only once `sink.handle` resolved. A rejection drops the connection and
 * the stream reconnects with jittered backoff, so Messenger delivers the delta again with
 * everything after it. Past the server's retention the stream resynchronises from a snapshot:
 * that is reported, and the messages sent since the newest one seen are handed over (resync.ts,
 * with the mark kept across restarts by common/saved-mark.ts).
 */
import {
  NetworkError,
  type ChatInfo,
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
import { MessengerClient, type SavedSession } from "../../simnet/messenger/client/client.js";
import type { DeltaEvent, MessengerRealtime, RealtimeEvents } from "../../simnet/messenger/client/realtime.js";
import { EditRetries } from "../common/edit-retries.js";
import { SavedMark } from "../common/saved-mark.js";
import { SerialQueue } from "../common/serial-queue.js";
import { OwnEchoes, threadImageKey, threadNameKey } from "./echoes.js";
import { mapErrors, toNetworkError } from "./errors.js";
import { realMimeType, StickerCatalog } from "./files.js";
import { recentMessages } from "./history.js";
import { offlineThreadingIdFor } from "./ids.js";
import { deltaEvent, editId, messageEvent, RECENT_PAGE, typingEvent, type IncomingContext } from "./incoming.js";
import { messagesSince } from "./resync.js";
import { Lookups } from "./lookups.js";
import { sendOutgoing, toThreadText } from "./outgoing.js";

export interface SessionOptions {
  backoff?: { initialMs: number; maxMs: number };
  /** The stored mark of the newest message handed over (see common/saved-mark.ts). */
  newestSeen?: number;
}

const ENDED: Record<string, string> = {
  session_revoked: "session_revoked: the bridge's Messenger session was logged out (from another device's session list, or a password change)",
  unauthorized: "unauthorized: Messenger no longer accepts the bridge's session",
};

export class MessengerNetworkSession implements NetworkSession {
  private readonly client: MessengerClient;
  private readonly ctx: IncomingContext;
  private readonly lookups: Lookups;
  private readonly echoes = new OwnEchoes();
  private readonly editRetries = new EditRetries();
  private readonly queue = new SerialQueue();
  private stream: MessengerRealtime | undefined;
  private current: ConnectionState = "disconnected";
  private stopping = false;
  private ended = false;
  private endedByCore = false;
  /** The server time of the newest message handed to the core. */
  private readonly newestSeen: SavedMark<number>;
  /** What the last resynchronisation lost, shown with the connection state from then on (`ping`). */
  private resynchronised: string | undefined;

  constructor(
    session: SavedSession,
    private readonly sink: RemoteEventSink,
    private readonly logger: ConnectorLogger,
    options: SessionOptions = {},
    url: string,
  ) {
    this.client = new MessengerClient(url, session, options.backoff ? { realtime: { backoff: options.backoff } } : {});
    const stickers = new StickerCatalog(this.client.api);
    this.ctx = { api: this.client.api, stickers, self: session.accountId };
    this.lookups = new Lookups(this.client.api, session.accountId);
    const { accessToken, sessionId, accountId } = session;
    this.newestSeen = new SavedMark(options.newestSeen, (newestSeen) => sink.sessionChanged({ accessToken, sessionId, accountId, newestSeen }), (a, b) => a > b);
  }

  get remoteUserId(): RemoteUserId {
    return this.client.accountId;
  }

  get state(): ConnectionState {
    return this.current;
  }

  async start(): Promise<void> {
    if (this.ended) throw new NetworkError("logged_out", "this Messenger session has ended; log in again");
    if (this.stream) return;
    this.stopping = false;
    const stream = this.client.realtime();
    this.stream = stream;
    this.listen(stream);
    this.setState("connecting");
    try {
      await stream.start();
    } catch (error) {
      if (this.ended) throw new NetworkError("logged_out", "Messenger no longer accepts this session; log in again", { cause: error });
      this.setState("disconnected", String(error));
      throw toNetworkError(error);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.stream = undefined;
    // Closing finishes the delta in progress; the ones behind it stay unacknowledged.
    await this.client.close();
    await this.queue.idle();
    if (!this.ended) this.current = "disconnected";
    this.newestSeen.flush();
  }

  async logout(): Promise<void> {
    this.endedByCore = true;
    try {
      await this.client.api.logout();
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
    this.stream = undefined;
    await this.client.close();
    await this.queue.idle();
  }

  // Receiving

  private listen(stream: MessengerRealtime): void {
    stream.on("delta", (event) => this.onDelta(event));
    stream.on("resync", (event) => this.onResync(event));
    stream.on("typing", (frame) => this.live(typingEvent(this.client.accountId, frame)));
    stream.on("connected", () => this.setState("connected", this.resynchronised));
    stream.on("disconnected", ({ code, reason, reconnecting }) => {
      if (reconnecting && !this.stopping) this.setState("disconnected", `connection lost (${code}${reason ? ` ${reason}` : ""}); reconnecting`);
    });
    stream.on("session_ended", ({ code, message }) => this.end(ENDED[code] ?? `${code}: ${message}`));
    stream.on("error", (error) => this.logger.debug("Messenger stream reported an error", { error: error.message }));
  }

  /** Resolves once the core has the event; rejects (leaving the delta unacknowledged) if not. */
  private async onDelta(event: DeltaEvent): Promise<void> {
    if (this.stopping) throw new Error("the Messenger session is stopping; the delta is left for the next start");
    if (this.echoes.take(event.delta)) return;
    let remote: RemoteEvent | undefined;
    try {
      remote = await deltaEvent(this.ctx, event);
    } catch (error) {
      const mapped = toNetworkError(error);
      // Reading what the delta needs (a receipt's message) failed for now: let it come again.
      if (mapped.code === "transient" || mapped.code === "rate_limited") throw mapped;
      this.logger.warn("skipping a Messenger delta the bridge cannot read", { seq: event.seq, type: event.delta.type, error: String(error) });
      return;
    }
    if (!remote) return;
    await this.handOver(remote);
    if (remote.type === "message") this.newestSeen.note(remote.timestamp);
  }

  private async handOver(event: RemoteEvent): Promise<void> {
    try {
      await this.queue.run(() => this.sink.handle(event));
    } catch (error) {
      this.logger.warn("the bridge did not take a Messenger event; Messenger delivers it again after reconnecting", { type: event.type, error: String(error) });
      throw error;
    }
  }

  /** Reports the resync, then hands over the messages sent since the newest one seen (see resync.ts). */
  private async onResync({ snapshot, previousSeq, reason }: RealtimeEvents["resync"]): Promise<void> {
    if (this.stopping) throw new Error("the Messenger session is stopping");
    const why = reason === "gap" ? "a gap in Messenger's delta stream" : "Messenger no longer kept the deltas after the bridge's position";
    this.logger.warn("Messenger deltas were lost to a gap; continuing from a snapshot", { previousSeq, seq: snapshot.seq, reason });
    this.resynchronised = `resynchronised: ${why} (position ${previousSeq ?? "none"}); continuing from ${snapshot.seq} with the messages sent since then taken from a snapshot; edits, reactions and other changes in the gap are not replayed`;
    this.setState("connected", this.resynchronised);
    for (const message of await messagesSince(this.client.api, snapshot, this.newestSeen.current)) {
      const event = await messageEvent(this.ctx, message, message.sender_id === this.client.accountId);
      if (!event) continue;
      await this.handOver(event);
      this.newestSeen.note(event.timestamp);
    }
    this.newestSeen.flush();
  }

  /** Typing is not stored by Messenger: one the core refuses is gone. */
  private live(event: RemoteEvent): void {
    if (this.stopping) return;
    this.queue.run(() => this.sink.handle(event)).catch((error: unknown) => {
      this.logger.warn("the bridge did not take a live Messenger event", { type: event.type, error: String(error) });
    });
  }

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
    this.logger.info("Messenger ended the session", { reason });
    if (!this.endedByCore) this.sink.loggedOut(reason);
    this.stream = undefined;
    this.client.close().catch(() => {});
  }

  // Looking things up

  getSelf(): Promise<RemoteUser> {
    return mapErrors(() => this.lookups.me());
  }

  getUser(id: RemoteUserId): Promise<RemoteUser> {
    return mapErrors(() => this.lookups.get(id));
  }

  resolveUser(identifier: string): Promise<RemoteUser | undefined> {
    return mapErrors(() => this.lookups.resolve(identifier));
  }

  listChats(): Promise<ChatInfo[]> {
    return mapErrors(() => this.lookups.chats());
  }

  getChat(id: RemoteChatId): Promise<ChatInfo> {
    return mapErrors(() => this.lookups.chat(id));
  }

  /** On Messenger a direct thread is named by the other person's account id. */
  directChatWith(user: RemoteUserId): RemoteChatId {
    return user;
  }

  history(chat: RemoteChatId, limit: number): Promise<MessageEvent[]> {
    return mapErrors(() => recentMessages(this.ctx, chat, limit));
  }

  // Sending

  send(chat: RemoteChatId, message: OutgoingMessage, key: string): Promise<SendResult> {
    return mapErrors(async () => {
      this.echoes.expect(`send:${offlineThreadingIdFor(key)}`);
      const result = await sendOutgoing(this.client.api, this.ctx.stickers, chat, message, key);
      return { id: result.message_id, timestamp: result.timestamp };
    });
  }

  /** Messenger edits have no idempotency key; repeating the same text is harmless but counts as an edit. */
  edit(chat: RemoteChatId, target: RemoteMessageId, text: FormattedText, key: string): Promise<SendResult> {
    return mapErrors(async () => {
      const wire = await toThreadText(this.client.api, chat, text);
      if (this.editRetries.triedBefore(key)) {
        const { messages } = await this.client.api.messages(chat, { limit: RECENT_PAGE });
        const current = messages.find((m) => m.id === target);
        if (current && current.edit_count > 0 && current.text === wire.text) return { id: editId(current.id, current.edit_count), timestamp: current.edited_at ?? Date.now() };
      }
      this.echoes.expect(`edit:${target}:${wire.text}`);
      const result = await this.client.api.edit(target, wire.text, wire.mentions);
      return { id: editId(result.message_id, result.edit_count), timestamp: result.edited_at };
    });
  }

  /** Setting a reaction replaces the earlier one, so a retry changes nothing. */
  react(_chat: RemoteChatId, target: RemoteMessageId, emoji: string, _key: string): Promise<void> {
    return mapErrors(async () => {
      this.echoes.expect(`react:${target}:${emoji}`);
      await this.client.api.react(target, emoji);
    });
  }

  removeReaction(_chat: RemoteChatId, target: RemoteMessageId, _key: string): Promise<void> {
    return mapErrors(async () => {
      this.echoes.expect(`react:${target}:`);
      await this.client.api.unreact(target);
    });
  }

  /** Unsend is idempotent on Messenger: repeating it answers the same. */
  delete(_chat: RemoteChatId, target: RemoteMessageId, _key: string): Promise<void> {
    return mapErrors(async () => {
      this.echoes.expect(`unsend:${target}`);
      await this.client.api.unsend(target);
    });
  }

  /** A watermark: marking the newest message marks everything before it. */
  markRead(chat: RemoteChatId, targets: RemoteMessageId[]): Promise<void> {
    const newest = targets.at(-1);
    if (newest === undefined) return Promise.resolve();
    return mapErrors(async () => {
      this.echoes.expect(`read:${chat}`);
      await this.client.api.markRead(chat, { messageId: newest });
    });
  }

  setTyping(chat: RemoteChatId, typing: boolean): Promise<void> {
    return mapErrors(() => this.client.api.typing(chat, typing));
  }

  // Groups

  setChatName(chat: RemoteChatId, name: string): Promise<void> {
    return mapErrors(async () => {
      this.echoes.expect(threadNameKey(chat, name));
      await this.client.api.renameThread(chat, name === "" ? null : name);
    });
  }

  setChatTopic(): Promise<void> {
    return Promise.reject(new NetworkError("unsupported", "Messenger group threads have no topic or description"));
  }

  setChatAvatar(chat: RemoteChatId, image: { data: Buffer; mimeType: string } | null): Promise<void> {
    return mapErrors(async () => {
      let attachment: string | null = null;
      if (image !== null) {
        const mime = realMimeType(image);
        if (!mime.startsWith("image/")) throw new NetworkError("invalid", `a Messenger thread image must be an image, not ${mime}`);
        attachment = (await this.client.api.upload({ kind: "image", mime, data: image.data })).id;
      }
      // The room already shows this picture: its echo must not come back as a new avatar.
      this.echoes.expect(threadImageKey(chat, attachment));
      await this.client.api.setThreadImage(chat, attachment);
    });
  }

  addMembers(chat: RemoteChatId, users: RemoteUserId[]): Promise<void> {
    if (users.length === 0) return Promise.resolve();
    return mapErrors(async () => {
      // A retry finds some already added: only the others are added.
      const present = new Set((await this.client.api.thread(chat)).participants.map((p) => p.id));
      const missing = users.filter((user) => !present.has(user));
      if (missing.length > 0) await this.client.api.addParticipants(chat, missing);
    });
  }

  removeMembers(chat: RemoteChatId, users: RemoteUserId[]): Promise<void> {
    return mapErrors(async () => {
      const present = new Set((await this.client.api.thread(chat)).participants.map((p) => p.id));
      for (const user of users) if (present.has(user)) await this.client.api.removeParticipant(chat, user);
    });
  }

  setAdmin(chat: RemoteChatId, user: RemoteUserId, admin: boolean): Promise<void> {
    return mapErrors(async () => void (await this.client.api.setAdmin(chat, user, admin)));
  }

  leaveChat(chat: RemoteChatId): Promise<void> {
    return mapErrors(() => this.client.api.removeParticipant(chat, this.client.accountId));
  }
}
