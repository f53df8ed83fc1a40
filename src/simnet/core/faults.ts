/**
 * Fault injection, driven through the admin API, so tests (and demos) can make a network
 * misbehave the way real ones do: connections dropped, refused for a while, slow deliveries,
 * failing requests, events delivered twice.
 */
import { ProtocolError } from "./protocol-error.js";

export interface FailureSpec {
  count: number;
  status: 500 | 429;
  /** Seconds, sent as Retry-After with 429s. */
  retryAfter: number;
}

export class Faults {
  private refuseUntil = 0;
  private failures: FailureSpec | undefined;
  private duplicates = 0;
  /** Added before each realtime delivery. */
  deliveryDelayMs = 0;

  constructor(private readonly now: () => number = Date.now) {}

  refuseFor(seconds: number): void {
    this.refuseUntil = this.now() + seconds * 1000;
  }

  isRefusing(): boolean {
    return this.now() < this.refuseUntil;
  }

  failNext(spec: FailureSpec): void {
    this.failures = spec.count > 0 ? { ...spec } : undefined;
  }

  duplicateNext(count: number): void {
    this.duplicates = count;
  }

  /** Throws the injected failure for a client request, if one is due. */
  checkRequest(): void {
    if (this.isRefusing()) {
      throw new ProtocolError(503, "unavailable", "the service is temporarily unavailable", {}, Math.ceil((this.refuseUntil - this.now()) / 1000));
    }
    const failure = this.failures;
    if (!failure) return;
    failure.count -= 1;
    if (failure.count <= 0) this.failures = undefined;
    if (failure.status === 429) {
      throw new ProtocolError(429, "rate_limited", "too many requests (injected)", {}, failure.retryAfter);
    }
    throw new ProtocolError(500, "internal_error", "the server failed to handle the request (injected)");
  }

  /** Whether the next realtime delivery should be sent twice; counts it down. */
  takeDuplicate(): boolean {
    if (this.duplicates <= 0) return false;
    this.duplicates -= 1;
    return true;
  }

  clear(): void {
    this.refuseUntil = 0;
    this.failures = undefined;
    this.duplicates = 0;
    this.deliveryDelayMs = 0;
  }

  describe(): Record<string, unknown> {
    return {
      refusing_for_ms: Math.max(0, this.refuseUntil - this.now()),
      failing_next: this.failures ?? null,
      duplicating_next: this.duplicates,
      delivery_delay_ms: this.deliveryDelayMs,
    };
  }
}
