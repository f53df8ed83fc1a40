/**
 * How far a connector has handed events to the core: what a resynchronisation goes back to (a
 * time on Messenger, an item id on Instagram). It is kept with the login (through the sink's
 * sessionChanged) so that a resync after a restart knows it too. It is saved when the session
 * stops, after a resync, and at most every 30 seconds in between, never once per event: a mark
 * left older by a crash only makes a resync offer some messages again, which the message map
 * drops.
 */
const SAVE_EVERY_MS = 30_000;

export class SavedMark<T> {
  private saved: T | undefined;
  private savedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private value: T | undefined,
    private readonly save: (value: T) => void,
    /** Whether `a` is further along than `b`. */
    private readonly isLater: (a: T, b: T) => boolean,
    private readonly now: () => number = Date.now,
  ) {
    this.saved = value;
  }

  get current(): T | undefined {
    return this.value;
  }

  note(mark: T): void {
    if (this.value === undefined || this.isLater(mark, this.value)) this.value = mark;
    if (this.now() - this.savedAt >= SAVE_EVERY_MS) this.flush();
  }

  flush(): void {
    if (this.value === undefined || this.value === this.saved) return;
    this.save(this.value);
    this.saved = this.value;
    this.savedAt = this.now();
  }
}
