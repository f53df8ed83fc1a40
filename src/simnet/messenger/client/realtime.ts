/**
 * The realtime delta stream, kept alive: connects with the last seq it has, hands each delta
 * over once and in order (duplicates from at-least-once delivery are dropped by seq),
 * acknowledges what was handed over, reconnects with backoff when the connection drops, and when
 * the server says `resync_required` (or a seq is skipped) fetches a snapshot, emits `resync`
 * with it so the caller can reconcile, and carries on from the snapshot's seq.
 *
 * Deltas are emitted with `emitAsync`, one at a time: the position advances (and is
 * acknowledged) only once every `delta` listener has finished. A listener that rejects leaves
 * its delta unprocessed: the socket is dropped with what is queued behind it, and the stream
 * reconnects after backoff from the last processed seq, so the server sends it again.
 *
 * A third-party provider's stream (client/interop.ts) is the same protocol with other payloads:
 * the class is generic over what a delta carries and what a resync fetches.
 */
import { FrameSocket } from "../../client/socket.js";
import { CLOSE_CODES, ERROR_CODES, REALTIME_PATH, type ErrorFrame, type MessengerDelta, type Snapshot, type StreamFrame, type WireThirdParty } from "../protocol.js";
import { Emitter } from "../../client/emitter.js";

export interface DeltaEvent<D = MessengerDelta> {
  seq: number;
  timestamp: number;
  delta: D;
}

export interface RealtimeEvents<D = MessengerDelta, S = Snapshot> {
  delta: DeltaEvent<D>;
  typing: { thread_id: string; user_id: string; typing: boolean; third_party?: WireThirdParty };
  /** `session_id` for a user session's stream, `provider_id` for a provider's. */
  connected: { session_id?: string; provider_id?: string; resume_from: number; last_seq: number };
  disconnected: { code: number; reason: string; reconnecting: boolean };
  /** Deltas were lost to this client: `snapshot` is the state now; continue from it. */
  resync: { snapshot: S; previousSeq: number | undefined; reason: "resync_required" | "gap" };
  /** The session was logged out or its token is no longer valid; nothing more will come. */
  session_ended: { code: string; message: string };
  /** An error frame the server sent, or a failure this client noticed; the stream goes on. */
  error: Error;
}

/** What the connect frame authenticates with: a user session's token, or a provider's. */
export type RealtimeCredentials = { access_token: string } | { provider_token: string };

export interface RealtimeOptions<S = Snapshot> {
  baseUrl: string;
  credentials: RealtimeCredentials;
  /** The last seq this client has; without it the server resumes from the last acknowledged one. */
  lastSeq?: number;
  /** Fetches the full state after a resync (the client's `api.snapshot`). */
  snapshot: () => Promise<S>;
  /** How long to gather acknowledgements before sending one. */
  ackDelayMs?: number;
  backoff?: { initialMs: number; maxMs: number };
}

export class RealtimeFrameError extends Error {
  constructor(readonly frame: ErrorFrame) {
    super(`${frame.code}: ${frame.message}`);
    this.name = "RealtimeFrameError";
  }
}

export class MessengerRealtime<D = MessengerDelta, S extends { seq: number } = Snapshot> extends Emitter<RealtimeEvents<D, S>> {
  private socket: FrameSocket | undefined;
  /** The last seq processed: every `delta` listener finished with it. */
  private seq: number | undefined;
  /** The last seq received on the current socket (queued, perhaps not yet processed). */
  private received: number | undefined;
  /** Deltas wait here for the one before them; the next is emitted once this settles. */
  private chain: Promise<void> = Promise.resolve();
  /** A socket whose remaining deltas are no longer handed over: one of them was refused. */
  private abandoned: FrameSocket | undefined;
  /** A delta was refused and none processed since: reconnecting alone does not reset the backoff. */
  private refusing = false;
  private acked = 0;
  private ackTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private failures = 0;
  private pendingResync = false;
  private resyncReason: "resync_required" | "gap" = "resync_required";
  /** Why the server ended the session, when it said so before closing. */
  private endedBy: ErrorFrame | undefined;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private firstConnection: { resolve: () => void; reject: (error: Error) => void } | undefined;

  constructor(private readonly options: RealtimeOptions<S>) {
    super();
    this.seq = options.lastSeq;
  }

  /** The last seq processed by the listeners (what to resume from later). */
  get lastSeq(): number | undefined {
    return this.seq;
  }

  get isConnected(): boolean {
    return this.socket?.isOpen === true;
  }

  /** Connects; resolves once the stream is live, rejects if the session is not valid. */
  start(): Promise<void> {
    if (this.loop) throw new Error("this realtime stream was already started");
    const first = new Promise<void>((resolve, reject) => (this.firstConnection = { resolve, reject }));
    this.loop = this.run();
    return first;
  }

  /** Finishes the delta in progress (the ones queued behind it stay unacknowledged), then closes. */
  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    await this.chain;
    this.flushAck();
    const socket = this.socket;
    this.socket = undefined;
    this.firstConnection?.reject(new Error("the realtime stream was closed before it connected"));
    await socket?.close();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      if (this.pendingResync && !(await this.resync())) {
        await this.backoff();
        continue;
      }
      const outcome = await this.connectOnce();
      if (outcome === "ended" || this.closed) return;
      if (outcome === "failed") await this.backoff();
    }
  }

  /** One connection, until it closes. */
  private async connectOnce(): Promise<"ended" | "failed" | "again"> {
    let socket: FrameSocket;
    try {
      socket = await FrameSocket.open(`${this.options.baseUrl.replace(/\/+$/, "")}${REALTIME_PATH}`);
    } catch (error) {
      this.emit("error", error instanceof Error ? error : new Error(String(error)));
      return "failed";
    }
    if (this.closed) {
      await socket.close();
      return "ended";
    }
    this.socket = socket;
    socket.onFrame((frame) => this.handleFrame(frame as StreamFrame<D>));
    const closedWith = new Promise<{ code: number; reason: string }>((resolve) => socket.onClose((code, reason) => resolve({ code, reason })));
    socket.send({ type: "connect", ...this.options.credentials, ...(this.seq !== undefined ? { last_seq: this.seq } : {}) });
    const { code, reason } = await closedWith;
    // Whatever this socket delivered is processed (or refused) before anything else happens.
    await this.chain;
    this.flushAck();
    if (this.socket === socket) this.socket = undefined;
    const refused = this.abandoned === socket;
    const ended = this.endedBy !== undefined || code === CLOSE_CODES.unauthorized || code === CLOSE_CODES.sessionRevoked;
    this.emit("disconnected", { code, reason, reconnecting: !ended && !this.closed });
    if (ended) {
      const why = { code: this.endedBy?.code ?? reason, message: this.endedBy?.message ?? `the server closed the stream (${code})` };
      this.emit("session_ended", why);
      this.firstConnection?.reject(new Error(`the session is no longer valid: ${why.message}`));
      this.firstConnection = undefined;
      return "ended";
    }
    return this.pendingResync && !refused ? "again" : "failed";
  }

  private handleFrame(frame: StreamFrame<D>): void {
    switch (frame.type) {
      case "connected":
        // A refused delta keeps the backoff growing until one goes through.
        if (!this.refusing) this.failures = 0;
        this.seq = frame.resume_from;
        this.received = frame.resume_from;
        this.emit("connected", {
          ...("session_id" in frame ? { session_id: frame.session_id } : { provider_id: frame.provider_id }),
          resume_from: frame.resume_from,
          last_seq: frame.last_seq,
        });
        this.firstConnection?.resolve();
        this.firstConnection = undefined;
        return;
      case "delta":
        return this.handleDelta(frame);
      case "typing":
        this.emit("typing", { thread_id: frame.thread_id, user_id: frame.user_id, typing: frame.typing, ...(frame.third_party ? { third_party: frame.third_party } : {}) });
        return;
      case "pong":
        return;
      case "error":
        if (frame.code === ERROR_CODES.resyncRequired) {
          this.pendingResync = true;
          return;
        }
        if (frame.code === ERROR_CODES.unauthorized || frame.code === ERROR_CODES.sessionRevoked) {
          this.endedBy = frame;
          return;
        }
        this.emit("error", new RealtimeFrameError(frame));
        return;
    }
  }

  private handleDelta(frame: Extract<StreamFrame<D>, { type: "delta" }>): void {
    const socket = this.socket;
    if (!socket || this.abandoned === socket) return;
    if (this.received !== undefined && frame.seq <= this.received) return; // a redelivery
    if (this.received !== undefined && frame.seq !== this.received + 1) {
      // Something was skipped: never hand over a stream with a hole in it.
      this.pendingResync = true;
      this.resyncReason = "gap";
      socket.terminate();
      return;
    }
    this.received = frame.seq;
    const event = { seq: frame.seq, timestamp: frame.timestamp, delta: frame.delta };
    this.chain = this.chain.then(async () => {
      if (this.closed || this.abandoned === socket) return;
      try {
        await this.emitAsync("delta", event);
      } catch (error) {
        this.abandon(socket, error);
        return;
      }
      if (this.refusing) {
        this.refusing = false;
        this.failures = 0;
      }
      this.seq = event.seq;
      this.scheduleAck();
    });
  }

  /**
   * A listener refused a delta: nothing after it is handed over on this socket, and the socket is
   * dropped, so the reconnect resumes after the last processed seq and the server sends it again.
   */
  private abandon(socket: FrameSocket, error: unknown): void {
    if (this.abandoned === socket) return;
    this.abandoned = socket;
    this.refusing = true;
    this.failures += 1;
    this.flushAck();
    this.emit("error", error instanceof Error ? error : new Error(String(error)));
    socket.terminate();
  }

  /** Fetches the snapshot and moves to its seq; false if that failed (retried after backoff). */
  private async resync(): Promise<boolean> {
    let snapshot: S;
    try {
      snapshot = await this.options.snapshot();
    } catch (error) {
      this.emit("error", error instanceof Error ? error : new Error(String(error)));
      return false;
    }
    const previousSeq = this.seq;
    try {
      // The snapshot stands for the deltas it replaces: its listeners finish before the stream moves past them.
      await this.emitAsync("resync", { snapshot, previousSeq, reason: this.resyncReason });
    } catch (error) {
      this.emit("error", error instanceof Error ? error : new Error(String(error)));
      return false;
    }
    this.seq = snapshot.seq;
    this.pendingResync = false;
    this.resyncReason = "resync_required";
    return true;
  }

  private scheduleAck(): void {
    if (this.ackTimer) return;
    this.ackTimer = setTimeout(() => this.flushAck(), this.options.ackDelayMs ?? 50);
  }

  private flushAck(): void {
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    if (this.seq === undefined || this.seq <= this.acked || !this.socket?.isOpen) return;
    this.socket.send({ type: "ack", seq: this.seq });
    this.acked = this.seq;
  }

  /** Waits before the next attempt, longer after each failure; `close()` cuts the wait short. */
  private backoff(): Promise<void> {
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 200, maxMs: 10_000 };
    const delay = Math.min(maxMs, initialMs * 2 ** this.failures);
    this.failures += 1;
    return new Promise((resolve) => {
      const timer = setTimeout(done, delay / 2 + Math.random() * (delay / 2));
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
