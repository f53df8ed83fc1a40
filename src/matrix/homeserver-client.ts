/**
 * The client-server API as the appservice uses it: the as_token, `user_id` to act as a ghost or
 * the bot, and `ts` to keep remote timestamps. Written on fetch (keep-alive by default) instead
 * of the library's intents, so the hot path makes exactly the requests it needs, errors carry
 * their status and errcode for the caller to decide between retrying and skipping, and an
 * expected 404 is not logged as an error.
 */
export class HomeserverError extends Error {
  override readonly name = "HomeserverError";

  constructor(
    /** HTTP status; 0 when the homeserver could not be reached. */
    readonly status: number,
    readonly errcode: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }

  /** A refusal that will not change on retry (bad content, no permission), unlike 429 or 5xx. */
  get permanent(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 429;
  }
}

export interface RequestOptions {
  /** The Matrix user to act as; the bot when absent. */
  as?: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Send `body` (a Buffer) with this content type instead of as JSON. */
  contentType?: string;
  /** Another appservice token than the main one (double puppeting). */
  token?: string;
}

const TIMEOUT_MS = 60_000;

export class HomeserverClient {
  constructor(
    private readonly baseUrl: string,
    private readonly asToken: string,
  ) {}

  async request<T = Record<string, unknown>>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    const text = await response.text();
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** For downloads: the body as bytes, with its content type. */
  async requestBytes(method: string, path: string, options: RequestOptions = {}): Promise<{ data: Buffer; contentType: string }> {
    const response = await this.send(method, path, options);
    return { data: Buffer.from(await response.arrayBuffer()), contentType: response.headers.get("content-type") ?? "application/octet-stream" };
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const url = new URL(this.baseUrl + path);
    if (options.as) url.searchParams.set("user_id", options.as);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { authorization: `Bearer ${options.token ?? this.asToken}` };
    let body: string | Uint8Array | undefined;
    if (options.body !== undefined) {
      if (Buffer.isBuffer(options.body)) {
        headers["content-type"] = options.contentType ?? "application/octet-stream";
        body = new Uint8Array(options.body);
      } else {
        headers["content-type"] = "application/json";
        body = JSON.stringify(options.body);
      }
    }
    let response: Response;
    try {
      response = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}), signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      throw new HomeserverError(0, "M_CONNECTION_FAILED", `${method} ${path}: ${(error as Error).message}`);
    }
    if (response.ok) return response;
    const text = await response.text().catch(() => "");
    let errcode = "M_UNKNOWN";
    let message = text.slice(0, 500);
    let retryAfterMs: number | undefined;
    try {
      const parsed = JSON.parse(text) as { errcode?: string; error?: string; retry_after_ms?: number };
      errcode = parsed.errcode ?? errcode;
      message = parsed.error ?? message;
      retryAfterMs = parsed.retry_after_ms;
    } catch {
      // Not JSON (a proxy's error page): keep the text.
    }
    throw new HomeserverError(response.status, errcode, `${method} ${path} as ${options.as ?? "the bot"}: ${response.status} ${errcode}: ${message}`, retryAfterMs);
  }
}
