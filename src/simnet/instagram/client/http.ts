/**
 * Requests with the retries a well-behaved Instagram client makes: after a network failure, a
 * 5xx, or a 429 that names a short Retry-After, with growing delays. Never after
 * `feedback_required` (the spam flag, where retrying is what gets an account blocked) or the
 * login limit. Every request the library makes is safe to repeat: sends carry a
 * client_context, the rest set state rather than add to it.
 */
import { SimnetHttpClient, SimnetRequestError } from "../../client/http.js";
import { ERRORS } from "../protocol.js";
import { readInstagramError } from "./errors.js";

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error goes to the caller. */
  maxRetryAfterSeconds: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 200, maxDelayMs: 5000, maxRetryAfterSeconds: 10 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long to wait before trying again, or undefined when the error is final. */
export function retryDelay(error: unknown, attempt: number, policy: RetryPolicy): number | undefined {
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  if (!(error instanceof SimnetRequestError)) return backoff;
  if (error.status === 429 && (error.code === ERRORS.feedbackRequired || error.code === ERRORS.loginRateLimit)) return undefined;
  if (error.status !== 429 && error.status < 500) return undefined;
  if (error.retryAfter === undefined || !Number.isFinite(error.retryAfter)) return backoff;
  return error.retryAfter <= policy.maxRetryAfterSeconds ? error.retryAfter * 1000 : undefined;
}

export class InstagramHttp {
  private readonly http: SimnetHttpClient;

  constructor(
    baseUrl: string,
    token: string | undefined,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {
    this.http = new SimnetHttpClient({ baseUrl, ...(token ? { token } : {}), readError: readInstagramError });
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  get token(): string | undefined {
    return this.http.token;
  }

  /** Closes the idle keep-alive connections; a later call opens new ones. */
  close(): void {
    this.http.close();
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.http.request<T>(method, path, body);
      } catch (error) {
        const delay = attempt + 1 < this.retry.attempts ? retryDelay(error, attempt, this.retry) : undefined;
        if (delay === undefined) throw error;
        await sleep(delay);
      }
    }
  }
}
