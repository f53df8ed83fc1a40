/**
 * Messenger and Instagram take no idempotency key for an edit: an edit sent again after its
 * answer was lost is applied, and counted, twice (Messenger refuses a message's 6th edit). The
 * core retries with the same key, so a key seen before means the edit may already be there: the
 * connector reads the message first and skips an edit the network already shows.
 */
export class EditRetries {
  private readonly tried = new Set<string>();

  constructor(private readonly remembered = 1_000) {}

  /** Whether an edit with `key` was tried before; remembers it either way. */
  triedBefore(key: string): boolean {
    if (this.tried.has(key)) return true;
    this.tried.add(key);
    // A Set iterates in insertion order: the oldest key goes first.
    if (this.tried.size > this.remembered) this.tried.delete(this.tried.values().next().value as string);
    return false;
  }
}
