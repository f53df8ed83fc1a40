/**
 * The server time of the newest message handed to the core: what a resynchronisation goes back
 * to. It is kept with the login (through the sink's sessionChanged) so that a resync after a
 * restart knows it too. It is saved when the session stops, after a resync, and at most every
 * 30 seconds in between: a mark left older by a crash only makes a resync offer some messages
 * again, which the message map drops.
 */
const SAVE_EVERY_MS = 30_000;

export class NewestSeen {
  private saved: number | undefined;
  private savedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private value: number | undefined,
    private readonly save: (value: number) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.saved = value;
  }

  get current(): number | undefined {
    return this.value;
  }

  note(timestamp: number): void {
    this.value = Math.max(this.value ?? timestamp, timestamp);
    if (this.now() - this.savedAt >= SAVE_EVERY_MS) this.flush();
  }

  flush(): void {
    if (this.value === undefined || this.value === this.saved) return;
    this.save(this.value);
    this.saved = this.value;
    this.savedAt = this.now();
  }
}
