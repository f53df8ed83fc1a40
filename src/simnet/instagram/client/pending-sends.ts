/**
 * Sends made over the realtime socket and not yet answered, by client_context: each settles
 * with its `item_ack` or error frame, or is interrupted (timeout, connection gone), after which
 * the caller may send again with the same client_context safely.
 */
import type { IgItem } from "../protocol.js";

/** A send over the socket whose outcome is unknown: retry it, with the same client_context. */
export class RealtimeSendInterrupted extends Error {}

interface Pending {
  resolve(item: IgItem): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class PendingSends {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly timeoutMs: number) {}

  /** Waits for the answer to the send with `clientContext`. */
  wait(clientContext: string): Promise<IgItem> {
    return new Promise<IgItem>((resolve, reject) => {
      this.settle(clientContext, new RealtimeSendInterrupted("sent again with the same client_context"));
      const timer = setTimeout(() => this.settle(clientContext, new RealtimeSendInterrupted("no answer to send_item in time")), this.timeoutMs);
      this.pending.set(clientContext, { resolve, reject, timer });
    });
  }

  has(clientContext: string): boolean {
    return this.pending.has(clientContext);
  }

  settle(clientContext: string, outcome: IgItem | Error): void {
    const pending = this.pending.get(clientContext);
    if (!pending) return;
    this.pending.delete(clientContext);
    clearTimeout(pending.timer);
    if (outcome instanceof Error) pending.reject(outcome);
    else pending.resolve(outcome);
  }

  interruptAll(why: string): void {
    for (const clientContext of [...this.pending.keys()]) this.settle(clientContext, new RealtimeSendInterrupted(why));
  }
}
