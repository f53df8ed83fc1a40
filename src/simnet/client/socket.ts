/**
 * The realtime half of every simnet client library: a WebSocket carrying JSON frames, listeners
 * for every frame, and `next()` to wait for the next matching frame that arrives after the call
 * (register listeners first to see everything). Reconnecting and resuming is each network's own
 * protocol, built on top.
 */
import { WebSocket } from "ws";

export type FrameListener = (frame: Record<string, unknown>) => void;

export class FrameSocket {
  private readonly listeners = new Set<FrameListener>();
  private readonly closeListeners = new Set<(code: number, reason: string) => void>();
  private closedWith: { code: number; reason: string } | undefined;

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data, isBinary) => {
      if (isBinary) return;
      let frame: unknown;
      try {
        frame = JSON.parse(Buffer.from(data as Buffer).toString("utf8")) as unknown;
      } catch {
        return;
      }
      if (typeof frame !== "object" || frame === null) return;
      for (const listener of [...this.listeners]) listener(frame as Record<string, unknown>);
    });
    socket.on("close", (code, reason) => {
      this.closedWith = { code, reason: reason.toString() };
      for (const listener of [...this.closeListeners]) listener(code, reason.toString());
    });
    // Errors surface as a close; without a listener ws would throw them.
    socket.on("error", () => {});
  }

  /** Opens `url` (http:// or ws://); rejects with the HTTP status if the upgrade is refused. */
  static open(url: string, timeoutMs = 10_000): Promise<FrameSocket> {
    const wsUrl = url.replace(/^http/, "ws");
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(wsUrl, { handshakeTimeout: timeoutMs });
      const wrapped = new FrameSocket(socket);
      socket.once("open", () => resolve(wrapped));
      socket.once("unexpected-response", (_request, response) => {
        reject(new Error(`realtime connection refused with HTTP ${response.statusCode}`));
        socket.terminate();
      });
      socket.once("error", (error) => reject(error));
    });
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  get closed(): { code: number; reason: string } | undefined {
    return this.closedWith;
  }

  send(frame: unknown): void {
    if (this.isOpen) this.socket.send(JSON.stringify(frame));
  }

  /** Sends raw text as it is: for tests of malformed input. */
  sendRaw(data: string | Buffer): void {
    if (this.isOpen) this.socket.send(data);
  }

  onFrame(listener: FrameListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onClose(listener: (code: number, reason: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Resolves with the next frame that matches, rejects on timeout or close. */
  next(match: (frame: Record<string, unknown>) => boolean = () => true, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        offFrame();
        offClose();
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no matching frame within ${timeoutMs} ms`));
      }, timeoutMs);
      const offFrame = this.onFrame((frame) => {
        if (!match(frame)) return;
        finish();
        resolve(frame);
      });
      const offClose = this.onClose((code, reason) => {
        finish();
        reject(new Error(`realtime connection closed (${code} ${reason}) while waiting for a frame`));
      });
    });
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once("close", () => resolve());
      this.socket.close();
      // A peer that never answers the close handshake.
      setTimeout(() => this.socket.terminate(), 1000).unref();
    });
  }

  terminate(): void {
    this.socket.terminate();
  }
}
