/**
 * Instagram's per-account rate limits, strict by default, and the refusals they produce: a send
 * or action past the limit is HTTP 429 with the `feedback_required` body the app shows as "Try
 * Again Later"; too many login attempts for one username is Instagram's login 429.
 *
 * A token bucket rather than the core's sliding-window RateLimiter: the benchmark lifts the send
 * limit to millions a minute, and a window keeping one timestamp per send would be scanned in
 * full on every send.
 */
import { ProtocolError } from "../core/protocol-error.js";
import { ERRORS } from "./protocol.js";

export interface InstagramRateLimits {
  /** Items sent (text, likes, media, shares), per account. */
  sendsPerMinute: number;
  /** Reactions, edits, unsends, thread creation and group changes, per account. */
  actionsPerMinute: number;
  /** Login attempts per username, failed or not. */
  loginAttemptsPerHour: number;
}

export const DEFAULT_RATE_LIMITS: InstagramRateLimits = { sendsPerMinute: 30, actionsPerMinute: 60, loginAttemptsPerHour: 10 };

/** A bucket of `capacity` tokens per key, refilled evenly over `periodMs`. */
export class TokenBucket {
  private readonly state = new Map<string, { tokens: number; at: number }>();
  private readonly perMs: number;

  constructor(
    private readonly capacity: number,
    periodMs: number,
    private readonly now: () => number,
  ) {
    this.perMs = capacity / periodMs;
  }

  /** Takes one token for `key`; when none is left, how long until one is. */
  take(key: string): { ok: true } | { ok: false; retryAfterMs: number } {
    const now = this.now();
    const current = this.state.get(key);
    const tokens = current ? Math.min(this.capacity, current.tokens + (now - current.at) * this.perMs) : this.capacity;
    if (tokens < 1) {
      this.state.set(key, { tokens, at: now });
      return { ok: false, retryAfterMs: (1 - tokens) / this.perMs };
    }
    this.state.set(key, { tokens: tokens - 1, at: now });
    return { ok: true };
  }
}

export function feedbackRequired(retryAfterMs: number): ProtocolError {
  return new ProtocolError(
    429,
    ERRORS.feedbackRequired,
    "feedback_required",
    {
      spam: true,
      feedback_title: "Try Again Later",
      feedback_message: "We limit how often you can do certain things on Instagram to protect our community. Tell us if you think we made a mistake.",
      feedback_url: "repute/report_problem/instagram_direct/",
      feedback_appeal_label: "Tell us",
      feedback_ignore_label: "OK",
      feedback_action: "report_problem",
    },
    Math.max(1, Math.ceil(retryAfterMs / 1000)),
  );
}

export class AccountLimits {
  private readonly sends: TokenBucket;
  private readonly actions: TokenBucket;
  private readonly logins: TokenBucket;

  constructor(limits: InstagramRateLimits, now: () => number) {
    this.sends = new TokenBucket(limits.sendsPerMinute, 60_000, now);
    this.actions = new TokenBucket(limits.actionsPerMinute, 60_000, now);
    this.logins = new TokenBucket(limits.loginAttemptsPerHour, 3600_000, now);
  }

  takeSend(pk: string): void {
    const decision = this.sends.take(pk);
    if (!decision.ok) throw feedbackRequired(decision.retryAfterMs);
  }

  takeAction(pk: string): void {
    const decision = this.actions.take(pk);
    if (!decision.ok) throw feedbackRequired(decision.retryAfterMs);
  }

  takeLogin(username: string): void {
    const decision = this.logins.take(username);
    if (!decision.ok) {
      throw new ProtocolError(429, ERRORS.loginRateLimit, "Please wait a few minutes before you try again.", {}, Math.ceil(decision.retryAfterMs / 1000));
    }
  }
}
