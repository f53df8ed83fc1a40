/**
 * Replies to requests made over the realtime socket: a sent envelope is answered by `sent` (or
 * an `error` naming its id), a presence subscription by that user's presence.
 */
import { SimnetRequestError } from "../../client/http.js";
import { readWhatsappError } from "./api.js";

type Frame = Record<string, unknown>;
interface Waiter {
  resolve(frame: Frame): void;
  reject(error: Error): void;
}

const TIMEOUT_MS = 15_000;

export class RequestTracker {
  private readonly waiters = new Map<string, Waiter>();

  /** Waits for the reply to the envelope with this id. */
  track(id: string): Promise<Frame> {
    return this.wait(`sent:${id}`);
  }

  trackPresence(jid: string): Promise<Frame> {
    return this.wait(`presence:${jid}`);
  }

  /** Settles the request a live stanza answers; false if it answers none. */
  settle(frame: Frame): boolean {
    const key = frame.type === "sent" ? `sent:${String(frame.id)}` : frame.type === "presence" ? `presence:${String(frame.from)}` : frame.type === "error" ? `sent:${String(frame.ref)}` : undefined;
    const waiter = key === undefined ? undefined : this.waiters.get(key);
    if (!waiter || key === undefined) return false;
    this.waiters.delete(key);
    if (frame.type === "error") {
      const { code, message } = readWhatsappError(frame);
      const details = frame.error as { code?: number; retry_after?: number };
      waiter.reject(new SimnetRequestError(details.code ?? 400, code, message, frame, details.retry_after));
    } else waiter.resolve(frame);
    // A presence update is also an event for listeners.
    return frame.type !== "presence";
  }

  /** Fails every request still waiting (the connection dropped); callers fall back to HTTP. */
  failAll(): void {
    for (const waiter of this.waiters.values()) waiter.reject(new Error("the realtime connection closed"));
    this.waiters.clear();
  }

  private wait(key: string): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(key);
        reject(new Error("no answer on the realtime connection"));
      }, TIMEOUT_MS);
      timer.unref();
      this.waiters.set(key, {
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  }
}
