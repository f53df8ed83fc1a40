/**
 * The realtime connection of a session: connects naming the last `seq_id` it processed (at
 * first, the inbox snapshot's), decodes patches into typed events, drops redeliveries by
 * `seq_id`, acks what it processed, and reconnects with backoff when the connection drops,
 * resuming exactly where it was. Patches are handed to `update` listeners one frame at a time
 * with `emitAsync`: a position counts as processed (and is acked) only once every listener's
 * promise resolved. If one rejects, the socket is dropped with everything queued behind it and
 * reopened from the last processed position, so the server delivers the refused patch again. When the server no longer has that position it says
 * `resync_required`; the client then fetches the inbox again, emits `resync` with it (the
 * caller must reconcile from the snapshot: events in between are lost to it) and continues
 * from the snapshot's seq_id. Items can be sent over the connection too (`sendItem`), as the app
 * does over MQTT; a connection with `subscribe: false` is for that alone. A provider of the
 * interoperability API reads its own stream through the same class (its session's snapshot is
 * only a position).
 */
import { SimnetRequestError } from "../../client/http.js";
import { FrameSocket } from "../../client/socket.js";
import { CLOSE_LOGGED_OUT, ERRORS, REALTIME_PATH, type IgInbox, type IgItem, type IgPatch, type SendKind } from "../protocol.js";
import { Emitter } from "../../client/emitter.js";
import { readInstagramError } from "./errors.js";
import { PendingSends, RealtimeSendInterrupted } from "./pending-sends.js";

export { RealtimeSendInterrupted } from "./pending-sends.js";
import { decodePatch, type PositionedEvent } from "./events.js";

export interface RealtimeOptions {
  /** The last seq_id processed; without it, `start()` takes the position of a fresh inbox snapshot. */
  seqId?: number;
  /**
   * Without `seqId`, resume from the session's last ack (what the server says it is) instead of
   * a fresh snapshot: nothing that arrived while no connection was open is skipped.
   */
  fromLastAck?: boolean;
  /** False connects for sending and typing only: no updates, no inbox snapshot needed. */
  subscribe?: boolean;
  /** How long a `sendItem` waits for its ack. */
  sendTimeoutMs?: number;
  reconnectInitialMs?: number;
  reconnectMaxMs?: number;
  /** Acks are batched: sent this long after the first unacked patch. */
  ackDelayMs?: number;
  connectTimeoutMs?: number;
}

/** What a connection needs of the session it belongs to. */
export interface RealtimeSession<Snapshot extends { seq_id: number } = IgInbox> {
  readonly baseUrl: string;
  /** Items from this user are `fromSelf`. */
  readonly userId: string;
  readonly http: { readonly token: string | undefined };
  /** A fresh snapshot, at least its stream position; `positionOnly` when nothing more is wanted. */
  snapshot(positionOnly: boolean): Promise<Snapshot>;
}

export interface RealtimeEvents<Snapshot = IgInbox> {
  update: PositionedEvent;
  connected: { seqId: number; latestSeqId: number; sessionId: string };
  disconnected: { code: number; reason: string };
  /** The position was past retention: what happened since is lost to this client. */
  resync_required: { seqId: number; firstSeqId: number; latestSeqId: number };
  /** A fresh snapshot after a resync; delivery continues from its seq_id. */
  resync: { seqId: number; inbox: Snapshot };
  /** The session ended (logged out here or elsewhere, or revoked); the connection stops for good. */
  logged_out: { reason: string };
  error: Error;
}

class LoggedOut extends Error {}

/**
 * Starts `realtime` as one of the `open` connections of its owner (forgotten again if it cannot
 * start); the answer stops it, after `beforeClose` (which may read where it got to).
 */
export async function startListening<S extends { seq_id: number }>(
  open: Set<InstagramRealtime<S>>,
  realtime: InstagramRealtime<S>,
  beforeClose: () => void = () => undefined,
): Promise<() => Promise<void>> {
  open.add(realtime);
  try {
    await realtime.start();
  } catch (error) {
    open.delete(realtime);
    throw error;
  }
  return async () => {
    beforeClose();
    open.delete(realtime);
    await realtime.close();
  };
}

export class InstagramRealtime<Snapshot extends { seq_id: number } = IgInbox> extends Emitter<RealtimeEvents<Snapshot>> {
  private socket: FrameSocket | undefined;
  private lastSeq: number | undefined;
  private stopped = false;
  private needsResync = false;
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private ackTimer: NodeJS.Timeout | undefined;
  private unacked: number | undefined;
  private readonly pending: PendingSends;
  private ready = false;
  /** Patch frames are handled strictly one after another, in the order they came. */
  private chain: Promise<void> = Promise.resolve();
  /** A socket whose patches are no longer handled: one failed, the rest come again. */
  private abandoned: FrameSocket | undefined;
  /** Patches refused in a row: a listener that keeps failing is retried ever more slowly. */
  private failures = 0;

  constructor(
    private readonly client: RealtimeSession<Snapshot>,
    private readonly options: RealtimeOptions = {},
  ) {
    super();
    this.lastSeq = options.seqId;
    this.pending = new PendingSends(options.sendTimeoutMs ?? 30_000);
  }

  /** The last position processed: save it to resume a later connection from here. */
  get seqId(): number | undefined {
    return this.lastSeq;
  }

  /** Connected and answered: updates flow and sends are accepted. */
  get isConnected(): boolean {
    return this.ready && this.socket?.isOpen === true;
  }

  /** Connects; resolves once connected (retrying as needed), rejects if the session is logged out. */
  async start(): Promise<void> {
    if (this.subscribed && this.lastSeq === undefined && !this.options.fromLastAck) this.lastSeq = (await this.client.snapshot(true)).seq_id;
    await this.reconnect();
  }

  private get subscribed(): boolean {
    return this.options.subscribe !== false;
  }

  /**
   * Sends an item over the connection; resolves with it once the server has committed it.
   * Refusals reject with SimnetRequestError as over REST; a dropped connection rejects with
   * RealtimeSendInterrupted, after which the same client_context may be sent again safely.
   */
  sendItem(kind: SendKind, threadId: string, clientContext: string, fields: Record<string, unknown> = {}): Promise<IgItem> {
    const socket = this.socket;
    if (!socket || !this.isConnected) return Promise.reject(new RealtimeSendInterrupted("the realtime connection is not open"));
    const answer = this.pending.wait(clientContext);
    socket.send({ ...fields, type: "send_item", kind, thread_id: threadId, client_context: clientContext });
    return answer;
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    // The patch in progress finishes (and is acked); the ones queued behind it stay unacked.
    await this.chain;
    this.flushAck();
    const socket = this.socket;
    this.socket = undefined;
    this.ready = false;
    this.pending.interruptAll("the connection was closed");
    await socket?.close();
    await this.running?.catch(() => {});
  }

  private reconnect(): Promise<void> {
    this.running ??= this.loop().finally(() => (this.running = undefined));
    return this.running;
  }

  private async loop(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        // Resume from what the listeners really finished, not from what was merely received.
        await this.chain;
        // A listener that keeps refusing the same patch is offered it ever more slowly.
        if (attempt === 0 && this.failures > 0) await this.pause(this.backoff(this.failures - 1));
        if (this.stopped) return;
        if (this.needsResync) await this.resync();
        await this.connectOnce();
        return;
      } catch (error) {
        if (error instanceof LoggedOut || (error instanceof SimnetRequestError && error.code === ERRORS.loginRequired)) {
          this.finish(error.message);
          throw error;
        }
        if (this.stopped) return;
        // After a resync answer, fetch the snapshot at once; after anything else, back off.
        if (!this.needsResync || this.failures > 0) await this.pause(this.backoff(attempt));
      }
    }
  }

  private backoff(attempt: number): number {
    const initial = this.options.reconnectInitialMs ?? 250;
    const delay = Math.min(this.options.reconnectMaxMs ?? 5000, initial * 2 ** attempt);
    return delay * (0.8 + Math.random() * 0.4);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /**
   * Takes a fresh snapshot and continues from it; the position moves only once the `resync`
   * listeners finished reconciling, so a refused reconciliation is tried again.
   */
  private async resync(): Promise<void> {
    const inbox = await this.client.snapshot(false);
    try {
      await this.emitAsync("resync", { seqId: inbox.seq_id, inbox });
    } catch (error) {
      this.failures += 1;
      throw error;
    }
    this.lastSeq = inbox.seq_id;
    this.needsResync = false;
  }

  private async connectOnce(): Promise<void> {
    const timeout = this.options.connectTimeoutMs ?? 10_000;
    const socket = await FrameSocket.open(`${this.client.baseUrl}${REALTIME_PATH}`, timeout);
    if (this.stopped) return socket.close();
    this.socket = socket;
    socket.onFrame((frame) => this.onFrame(socket, frame));
    socket.onClose((code, reason) => this.onClose(socket, code, reason));
    const answer = socket.next((f) => f.type === "connected" || f.type === "resync_required" || f.type === "error", timeout);
    socket.send({ type: "connect", token: this.client.http.token, ...(this.subscribed ? { seq_id: this.lastSeq } : { subscribe: false }) });
    try {
      const frame = await answer;
      if (frame.type === "connected") return;
      if (frame.error_type === ERRORS.loginRequired) throw new LoggedOut("the session is no longer valid (login_required)");
      throw new Error(`realtime connect answered ${String(frame.error_type ?? frame.type)}`);
    } catch (error) {
      socket.terminate();
      throw error;
    }
  }

  private onFrame(socket: FrameSocket, frame: Record<string, unknown>): void {
    switch (frame.type) {
      case "connected":
        this.ready = true;
        // Resumed from the session's last ack: that is the position processed so far.
        if (this.lastSeq === undefined && typeof frame.seq_id === "number") this.lastSeq = frame.seq_id;
        this.emit("connected", { seqId: frame.seq_id as number, latestSeqId: frame.latest_seq_id as number, sessionId: frame.session_id as string });
        return;
      case "patch":
        return this.onPatch(socket, frame.seq_id as number, frame.data as IgPatch[]);
      case "activity_indicator":
        for (const patch of frame.data as IgPatch[]) this.emit("update", decodePatch(patch, this.client.userId));
        return;
      case "resync_required":
        this.needsResync = true;
        this.emit("resync_required", { seqId: frame.seq_id as number, firstSeqId: frame.first_seq_id as number, latestSeqId: frame.latest_seq_id as number });
        return;
      case "item_ack":
        return this.pending.settle(frame.client_context as string, frame.item as IgItem);
      case "error": {
        const { code, message } = readInstagramError(frame);
        const error = new SimnetRequestError(Number(frame.status_code ?? 400), code, message, frame, typeof frame.retry_after === "number" ? frame.retry_after : undefined);
        if (typeof frame.client_context === "string" && this.pending.has(frame.client_context)) return this.pending.settle(frame.client_context, error);
        this.emit("error", error);
        return;
      }
    }
  }

  private onPatch(socket: FrameSocket, seq: number, data: IgPatch[]): void {
    this.chain = this.chain.then(async () => {
      // At-least-once delivery: a redelivered position was handled already.
      if (this.stopped || this.abandoned === socket || (this.lastSeq !== undefined && seq <= this.lastSeq)) return;
      try {
        for (const patch of data) await this.emitAsync("update", { ...decodePatch(patch, this.client.userId), seqId: seq });
      } catch {
        this.abandon(socket);
        return;
      }
      this.failures = 0;
      this.lastSeq = seq;
      this.unacked = seq;
      if (this.socket === socket) this.ackTimer ??= setTimeout(() => this.flushAck(), this.options.ackDelayMs ?? 100);
    });
  }

  /**
   * Gives up on a socket after a patch was refused: what is queued behind it is dropped
   * unhandled and the socket closed, so the usual reconnect resumes after the last patch
   * processed and the server sends the refused one again, followed by everything after it.
   */
  private abandon(socket: FrameSocket): void {
    if (this.abandoned === socket) return;
    this.abandoned = socket;
    this.failures += 1;
    this.flushAck();
    if (this.socket === socket) void socket.close();
  }

  private flushAck(): void {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    if (this.unacked === undefined || !this.socket?.isOpen) return;
    this.socket.send({ type: "ack", seq_id: this.unacked });
    this.unacked = undefined;
  }

  private onClose(socket: FrameSocket, code: number, reason: string): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.ready = false;
    this.pending.interruptAll(`the connection closed (${code})`);
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    this.emit("disconnected", { code, reason });
    if (this.stopped || this.running) return;
    if (code === CLOSE_LOGGED_OUT) return this.finish(reason || "logged out");
    this.reconnect().catch(() => {});
  }

  private finish(reason: string): void {
    if (this.stopped) return;
    this.stopped = true;
    this.emit("logged_out", { reason });
  }
}
