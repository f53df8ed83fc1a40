/**
 * Keeping each account within its network's rate limits, so the network does not have to refuse
 * (a refusal can get an Instagram account flagged). One token bucket per account and kind of
 * call, as large as the network's and refilling evenly a little slower than it; a call that finds it empty is told how
 * long until the next token, and the outbox waits that long.
 */
import { NetworkError, type Capabilities, type NetworkId } from "../network/index.js";

export type PacedCall = "send" | "action";

/**
 * The share of a network's rate the bridge refills at. Its bucket and the network's are filled
 * at slightly different moments (each call reaches the network a little after the bridge took
 * its token), so pacing at exactly the limit would still be refused now and then.
 */
export const PACE_SHARE = 0.9;

/** Calls a minute per kind; 0 means not paced. */
export interface PacingLimits {
  sendsPerMinute: number;
  actionsPerMinute: number;
}

/** The config's limits where it sets them, else the network's published ones. */
export function pacingLimits(config: { sends_per_minute?: number | undefined; actions_per_minute?: number | undefined }, capabilities: Pick<Capabilities, "pacing"> | undefined): PacingLimits {
  return {
    sendsPerMinute: config.sends_per_minute ?? capabilities?.pacing?.sendsPerMinute ?? 0,
    actionsPerMinute: config.actions_per_minute ?? capabilities?.pacing?.actionsPerMinute ?? 0,
  };
}

interface Bucket {
  tokens: number;
  at: number;
}

export class Pacer {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes a token for `account`: 0 if the call may go now, else the ms until it may (nothing taken). */
  take(account: string, perMinute: number): number {
    if (perMinute <= 0) return 0;
    const perMs = (perMinute * PACE_SHARE) / 60_000;
    const now = this.now();
    const bucket = this.buckets.get(account) ?? { tokens: perMinute, at: now };
    bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.buckets.set(account, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / perMs);
  }

  /** Throws the rate limit the network would have answered, if `account` must wait. */
  check(account: string, call: PacedCall, limits: PacingLimits, network: NetworkId): void {
    const perMinute = call === "send" ? limits.sendsPerMinute : limits.actionsPerMinute;
    const waitMs = this.take(`${account}:${call}`, perMinute);
    if (waitMs > 0) {
      throw new NetworkError("rate_limited", `crosschat keeps to ${network}'s limit of ${perMinute} ${call}s a minute per account`, { retryAfterMs: waitMs });
    }
  }
}
