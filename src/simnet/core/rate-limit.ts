/**
 * Per-key sliding-window rate limits (per account, usually). Kept in memory: a restart forgiving
 * a burst is what real services do too.
 */
export interface RateLimit {
  /** Actions allowed per window. */
  limit: number;
  windowMs: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly rule: RateLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one action for `key` if the window has room. */
  take(key: string): RateDecision {
    const now = this.now();
    const since = now - this.rule.windowMs;
    const times = (this.hits.get(key) ?? []).filter((t) => t > since);
    if (times.length >= this.rule.limit) {
      this.hits.set(key, times);
      return { ok: false, retryAfterMs: (times[0] ?? now) + this.rule.windowMs - now };
    }
    times.push(now);
    this.hits.set(key, times);
    return { ok: true };
  }

  reset(key?: string): void {
    if (key === undefined) this.hits.clear();
    else this.hits.delete(key);
  }
}
