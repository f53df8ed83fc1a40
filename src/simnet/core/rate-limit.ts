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

/** The times of one key's actions inside the window, oldest first; `head` skips expired ones. */
interface Window {
  times: number[];
  head: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly rule: RateLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Counts one action for `key` if the window has room. Constant time per call (amortised),
   * so a benchmark that lifts the limit to millions does not pay for it.
   */
  take(key: string): RateDecision {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window) {
      window = { times: [], head: 0 };
      this.windows.set(key, window);
    }
    const since = now - this.rule.windowMs;
    while (window.head < window.times.length && (window.times[window.head] ?? 0) <= since) window.head++;
    if (window.head > 1024 && window.head * 2 > window.times.length) {
      window.times = window.times.slice(window.head);
      window.head = 0;
    }
    if (window.times.length - window.head >= this.rule.limit) {
      return { ok: false, retryAfterMs: (window.times[window.head] ?? now) + this.rule.windowMs - now };
    }
    window.times.push(now);
    return { ok: true };
  }

  reset(key?: string): void {
    if (key === undefined) this.windows.clear();
    else this.windows.delete(key);
  }
}
