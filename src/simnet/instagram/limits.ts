/**
 * Instagram's per-account rate limits, strict by default, and the refusals they produce: a send
 * or action past the limit is HTTP 429 with the `feedback_required` body the app shows as "Try
 * Again Later"; too many login attempts for one username is Instagram's login 429.
 * Token buckets (core/token-bucket.ts): limits that refill evenly, as Instagram's do.
 */
import { ProtocolError } from "../core/protocol-error.js";
import { TokenBuckets } from "../core/token-bucket.js";
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
  private readonly sends: TokenBuckets;
  private readonly actions: TokenBuckets;
  private readonly logins: TokenBuckets;

  constructor(limits: InstagramRateLimits, now: () => number) {
    this.sends = new TokenBuckets(limits.sendsPerMinute, 60_000, now);
    this.actions = new TokenBuckets(limits.actionsPerMinute, 60_000, now);
    this.logins = new TokenBuckets(limits.loginAttemptsPerHour, 3600_000, now);
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
