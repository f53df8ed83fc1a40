/**
 * One device's realtime connection: authenticates with `hello`, resumes after the last stanza
 * it processed, hands stored stanzas to `onStanza` one at a time and in order, acknowledges each
 * once handled, drops duplicates (a stanza's id is its stream position), and reconnects with
 * backoff (with jitter) when the connection drops. A stanza whose handling fails is not
 * acknowledged: the connection is dropped with everything queued behind it and reopened, so the
 * server delivers it again. It stops for good when the device is logged out or the connection
 * is replaced by another of the same device.
 */
import { FrameSocket } from "../../client/socket.js";
import { REALTIME_PATH } from "../protocol.js";

type Frame = Record<string, unknown>;

export interface RealtimeOptions {
  baseUrl: string;
  token: string;
  /** The last position already processed; undefined resumes after what the server has acked. */
  after?: number;
  /**
   * Stored stanzas (they have a `seq`), in order; the next waits until this one settles. A
   * rejection leaves the stanza unacknowledged, to be delivered again after a reconnect.
   */
  onStanza(stanza: Frame): void | Promise<void>;
  /** Live stanzas (chat states, presence, replies to requests). */
  onLive(stanza: Frame): void;
  onStatus(status: RealtimeStatus): void;
  backoff?: { initialMs: number; maxMs: number };
}

export type RealtimeStatus =
  | { kind: "connected"; position: number; latest: number }
  | { kind: "disconnected"; code: number; reason: string; retryInMs: number }
  | { kind: "resync"; after: number; firstRetained: number; latest: number }
  | { kind: "ended"; reason: "logged_out" | "replaced" | "unauthorized" | "closed"; detail?: string };

export class WhatsappRealtime {
  private socket: FrameSocket | undefined;
  private stopped = false;
  private chain: Promise<void> = Promise.resolve();
  private ackDue = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private ended: RealtimeStatus | undefined;
  /** A socket whose stanzas are no longer handled: one of them failed, the rest come again. */
  private abandoned: FrameSocket | undefined;
  /** Stanzas that failed in a row: a listener that keeps failing is retried ever more slowly. */
  private failures = 0;
  /** The last stored stanza processed; duplicates at or below it are dropped. */
  position: number;

  constructor(private readonly options: RealtimeOptions) {
    this.position = options.after ?? -1;
  }

  get connected(): boolean {
    return this.socket?.isOpen === true && !this.stopped;
  }

  /** Connects and resolves once the server accepted the device (or rejects if it never does). */
  async start(): Promise<void> {
    await this.connect();
  }

  send(frame: Frame): boolean {
    if (!this.socket?.isOpen) return false;
    this.socket.send(frame);
    return true;
  }

  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    await this.chain;
    this.flushAck();
    await this.socket?.close();
  }

  private async connect(): Promise<void> {
    const socket = await FrameSocket.open(`${this.options.baseUrl}${REALTIME_PATH}`);
    if (this.stopped) {
      await socket.close();
      return;
    }
    this.socket = socket;
    let accepted = false;
    const welcome = socket.next((frame) => frame.type === "success" || frame.type === "error", 10_000);
    socket.onFrame((frame) => this.onFrame(socket, frame, accepted));
    socket.onClose((code, reason) => this.onClosed(socket, code, reason));
    socket.send({ type: "hello", token: this.options.token, ...(this.position >= 0 ? { after: this.position } : {}) });
    const answer = await welcome;
    if (answer.type !== "success") throw new Error(`the server refused the device: ${JSON.stringify(answer.error)}`);
    accepted = true;
    this.attempt = 0;
    if (this.position < 0) this.position = Number(answer.acked);
    this.options.onStatus({ kind: "connected", position: this.position, latest: Number(answer.latest) });
  }

  private onFrame(socket: FrameSocket, frame: Frame, accepted: boolean): void {
    if (frame.type === "logged_out" || frame.type === "stream_error") {
      this.ended = { kind: "ended", reason: frame.type === "logged_out" ? "logged_out" : "replaced", detail: String(frame.reason ?? "") };
      return;
    }
    if (frame.type === "error" && !accepted && (frame.error as { code?: number } | undefined)?.code === 401) {
      this.ended = { kind: "ended", reason: "unauthorized" };
      return;
    }
    if (frame.type === "resync") {
      const after = Number(frame.after);
      const firstRetained = Number(frame.first_retained);
      const latest = Number(frame.latest);
      this.chain = this.chain.then(() => {
        // An abandoned socket's resync is sent again on the next connection.
        if (this.abandoned === socket) return;
        // The server goes on from what it still has; so does the device.
        this.position = after < firstRetained ? firstRetained - 1 : latest;
        this.options.onStatus({ kind: "resync", after, firstRetained, latest });
      });
      return;
    }
    if (typeof frame.seq !== "number") {
      this.options.onLive(frame);
      return;
    }
    const seq = frame.seq;
    this.chain = this.chain.then(async () => {
      if (seq <= this.position || this.abandoned === socket) return;
      try {
        await this.options.onStanza(frame);
      } catch {
        this.abandon(socket);
        return;
      }
      this.failures = 0;
      this.position = seq;
      this.scheduleAck();
    });
  }

  /**
   * Gives up on a socket after a stanza failed: what is queued behind it is dropped unhandled and
   * the socket closed, so the usual reconnect resumes after the last stanza handled and the
   * server sends the failed one again, followed by everything after it.
   */
  private abandon(socket: FrameSocket): void {
    if (this.abandoned === socket) return;
    this.abandoned = socket;
    this.failures += 1;
    this.flushAck();
    void socket.close();
  }

  /** Acknowledges the newest processed position once per tick, not once per stanza. */
  private scheduleAck(): void {
    if (this.ackDue) return;
    this.ackDue = true;
    setImmediate(() => this.flushAck());
  }

  private flushAck(): void {
    if (!this.ackDue) return;
    this.ackDue = false;
    if (this.position > 0) this.socket?.send({ type: "ack", seq: this.position });
  }

  private onClosed(socket: FrameSocket, code: number, reason: string): void {
    if (socket !== this.socket || this.stopped) return;
    if (this.ended || code === 4401 || code === 4409) {
      this.stopped = true;
      this.options.onStatus(this.ended ?? { kind: "ended", reason: code === 4409 ? "replaced" : "unauthorized" });
      return;
    }
    const backoff = this.options.backoff ?? { initialMs: 100, maxMs: 5_000 };
    // Reconnecting succeeds after a failed stanza, so the failures themselves grow the backoff.
    const exponent = this.attempt + Math.max(0, this.failures - 1);
    // Jitter, so devices dropped together (a server restart) do not all come back at once.
    const retryInMs = Math.round(Math.min(backoff.maxMs, backoff.initialMs * 2 ** exponent) * (0.5 + Math.random() / 2));
    this.attempt += 1;
    this.options.onStatus({ kind: "disconnected", code, reason, retryInMs });
    this.reconnectTimer = setTimeout(() => {
      this.connect().catch(() => this.onClosed(socket, 1006, "reconnect failed"));
    }, retryInMs);
  }
}

/**
 * A passive connection (as WhatsApp clients open for sending while not receiving): it takes
 * envelopes, receipts, chat states and presence, and delivers nothing, so a client that only
 * sends consumes none of its stanzas.
 */
export async function openPassive(baseUrl: string, token: string, onFrame: (frame: Frame) => void, onClose: () => void): Promise<FrameSocket> {
  const socket = await FrameSocket.open(`${baseUrl}${REALTIME_PATH}`);
  const welcome = socket.next((frame) => frame.type === "success" || frame.type === "error", 10_000);
  socket.send({ type: "hello", token, passive: true });
  const answer = await welcome.catch((error: unknown) => ({ type: "error", error }));
  if (answer.type !== "success") {
    socket.terminate();
    throw new Error("the server refused the passive connection");
  }
  socket.onFrame(onFrame);
  socket.onClose(onClose);
  return socket;
}
