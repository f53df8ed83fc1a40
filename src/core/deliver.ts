/**
 * When to try a Matrix event on the network again. A dropped connection, a 5xx or a homeserver
 * that is briefly away is tried again with backoff and jitter, for a minute or two; a rate limit
 * is waited out for as long as the network asks, however often it asks, because the event is
 * queued durably (core/outbox.ts) and holds up nothing but the portal's later events. Anything
 * else is final. The same idempotency key goes with every attempt, so a retry of a send that did
 * reach the network does not make a second message.
 */
import { NetworkError } from "../network/index.js";
import { isTransientMatrixFailure } from "./matrix-port.js";

export interface RetryPolicy {
  /** Attempts before a transient failure is final; rate limits do not count against it. */
  attempts: number;
  initialMs: number;
  maxMs: number;
}

/** One to two minutes of trying (nine jittered waits) before a network outage ends in a notice. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 10, initialMs: 500, maxMs: 30_000 };

export interface RetryDecision {
  waitMs: number;
  /** The network asked for the wait (as opposed to a failure the bridge backs off from). */
  rateLimited: boolean;
}

/** How long a rate limit that names no wait is waited out: long enough not to hammer the network. */
export const UNNAMED_RATE_LIMIT_WAIT_MS = 5_000;

/** The wait before attempt `attempts + 1`, or undefined when the failure is final. */
export function retryDecision(error: unknown, attempts: number, policy: RetryPolicy = DEFAULT_RETRY): RetryDecision | undefined {
  const backoff = () => Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempts - 1)) * (0.5 + Math.random() / 2);
  if (error instanceof NetworkError && error.code === "rate_limited") {
    return { waitMs: error.retryAfterMs ?? UNNAMED_RATE_LIMIT_WAIT_MS, rateLimited: true };
  }
  const transient = (error instanceof NetworkError && error.code === "transient") || isTransientMatrixFailure(error);
  if (!transient || attempts >= policy.attempts) return undefined;
  return { waitMs: backoff(), rateLimited: false };
}

/** What the user reads when a network refused something, in one sentence. */
export function describeRefusal(error: unknown, network: string): string {
  if (!(error instanceof NetworkError)) return `${network} could not be reached (${(error as Error)?.message ?? String(error)}).`;
  switch (error.code) {
    case "unsupported":
      return `${network} cannot show this: ${error.message}`;
    case "too_large":
      return `It is too large for ${network}: ${error.message}`;
    case "window_expired":
      return `It is too late for that on ${network}: ${error.message}`;
    case "forbidden":
      return `${network} does not allow it: ${error.message}`;
    case "not_found":
      return `${network} no longer has the message or chat: ${error.message}`;
    case "logged_out":
      return `Your ${network} login has ended; log in again in your management room.`;
    case "transient":
      return `${network} kept failing for a minute or two (${error.message}).`;
    default:
      return `${network} refused it: ${error.message}`;
  }
}
