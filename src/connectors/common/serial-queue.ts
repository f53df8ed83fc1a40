/**
 * Runs tasks one after another. The core takes one event at a time per account, while a
 * network interleaves live events (chat states, presence) with its stored ones: they all queue
 * here, in arrival order.
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    // One task failing is its caller's business; the next still runs.
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Resolves once everything queued so far has run. */
  idle(): Promise<void> {
    return this.tail;
  }
}
