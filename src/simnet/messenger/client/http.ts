/**
 * Messenger requests with the retries a real client makes: a 429 or 503 is waited out (its
 * Retry-After, when short enough) and retried, since the server did nothing; a 500 or a lost
 * connection is retried only for requests that are safe to repeat (reads, and sends, which the
 * offline threading id makes idempotent). Whether the server did the work is unknown then, which is
 * why only those are repeated.
 */
import { SimnetHttpClient, SimnetRequestError } from "../../client/http.js";
import { readMessengerError } from "./errors.js";

export interface RetryPolicy {
  /** Tries in all, the first included; 1 turns retrying off. */
  attempts: number;
  baseDelayMs: number;
  /** A Retry-After longer than this is not waited out: the error goes to the caller. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 10_000 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class MessengerHttp {
  readonly http: SimnetHttpClient;

  constructor(
    baseUrl: string,
    token: string | undefined,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {
    this.http = new SimnetHttpClient({ baseUrl: baseUrl.replace(/\/+$/, ""), token, readError: readMessengerError });
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  async request<T>(method: string, path: string, body?: unknown, options: { idempotent?: boolean } = {}): Promise<T> {
    const idempotent = options.idempotent ?? (method === "GET" || method === "PUT");
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.http.request<T>(method, path, body);
      } catch (error) {
        const delay = this.retryDelay(error, attempt, idempotent);
        if (delay === undefined) throw error;
        await sleep(delay);
      }
    }
  }

  private retryDelay(error: unknown, attempt: number, idempotent: boolean): number | undefined {
    if (attempt >= this.retry.attempts) return undefined;
    const backoff = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    if (error instanceof SimnetRequestError) {
      if (error.status === 429 || error.status === 503) {
        const wait = error.retryAfter !== undefined && Number.isFinite(error.retryAfter) ? error.retryAfter * 1000 : backoff;
        return wait <= this.retry.maxDelayMs ? wait : undefined;
      }
      return error.status >= 500 && idempotent ? backoff : undefined;
    }
    // No answer at all: the connection was refused, reset or timed out.
    return idempotent ? backoff : undefined;
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.http.close();
  }
}
