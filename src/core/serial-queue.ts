/**
 * One queue per key (a portal): tasks with the same key run one after another, in the order
 * they were added, while tasks with different keys run in parallel. Both directions of a room
 * go through its portal's queue, which keeps them in order without making rooms wait on each
 * other.
 */
export class KeyedSerialQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `task` after every earlier task with this key has settled; resolves with its result. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    // The tail never rejects, so one failed task does not fail the ones queued behind it.
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      // Forget idle keys, so a bridge with many rooms does not keep one entry per room forever.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Resolves once every task queued so far has settled. */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }

  get activeKeys(): number {
    return this.tails.size;
  }
}
