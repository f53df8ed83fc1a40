/**
 * Calling a connector with the retries a send deserves: a dropped connection or a 5xx is tried
 * again with backoff and jitter, a rate limit waits for as long as the network asks; anything
 * else is final. The same idempotency key goes with every attempt, so a retry of a send that did
 * reach the network does not make a second message.
 */
import { NetworkError } from "../network/index.js";

export interface RetryPolicy {
  attempts: number;
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, initialMs: 250, maxMs: 8_000 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `call` until it succeeds or fails for good. `onWait` hears of each wait before it starts
 * (with its length and whether the network asked for it), so a long one can be announced.
 */
export async function withRetries<T>(
  call: () => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
  onWait?: (ms: number, rateLimited: boolean) => Promise<void> | void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const network = error instanceof NetworkError ? error : undefined;
      const retryable = !network || network.code === "transient" || network.code === "rate_limited";
      if (!retryable || attempt >= policy.attempts) throw error;
      const backoff = Math.min(policy.maxMs, policy.initialMs * 2 ** (attempt - 1));
      const wait = Math.min(network?.retryAfterMs ?? backoff * (0.5 + Math.random() / 2), policy.maxMs * 4);
      await onWait?.(wait, network?.code === "rate_limited");
      await sleep(wait);
    }
  }
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
    case "rate_limited":
      return `${network} asked to slow down and the retries ran out: ${error.message}`;
    default:
      return `${network} refused it: ${error.message}`;
  }
}
