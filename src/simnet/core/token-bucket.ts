/**
 * Per-key token buckets: `capacity` actions at once, refilled evenly over `windowMs`. Beside the
 * exact sliding window of RateLimiter, this is the smoother limit Messenger and Instagram apply;
 * it holds two numbers per key whatever the limit, and `check` peeks without spending, which
 * login throttling needs (only failures spend, but every attempt is checked).
 */
import type { RateDecision } from "./rate-limit.js";

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly capacity: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  check(key: string): RateDecision {
    return this.decide(this.refill(key));
  }

  take(key: string): RateDecision {
    const bucket = this.refill(key);
    const decision = this.decide(bucket);
    if (decision.ok) bucket.tokens -= 1;
    return decision;
  }

  private decide(bucket: Bucket): RateDecision {
    if (bucket.tokens >= 1) return { ok: true };
    return { ok: false, retryAfterMs: Math.ceil(((1 - bucket.tokens) * this.windowMs) / this.capacity) };
  }

  private refill(key: string): Bucket {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: this.capacity, at: now };
      this.buckets.set(key, bucket);
      return bucket;
    }
    const elapsed = Math.max(0, now - bucket.at);
    bucket.tokens = Math.min(this.capacity, bucket.tokens + (elapsed * this.capacity) / this.windowMs);
    bucket.at = now;
    return bucket;
  }
}
