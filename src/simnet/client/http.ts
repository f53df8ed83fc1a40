/**
 * The HTTP half of every simnet client library: JSON requests with a bearer token, and every
 * refusal turned into a SimnetRequestError carrying the network's error code, so callers (the
 * bridge's connectors, tests, the shell command) act on codes rather than on message text.
 */
export class SimnetRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The whole error body as the network sent it. */
    readonly body: unknown,
    /** Seconds from a Retry-After header, if any. */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = "SimnetRequestError";
  }
}

/** Pulls the code and message out of a network's own error body. */
export type ErrorReader = (body: unknown) => { code: string; message: string };

export interface HttpClientOptions {
  baseUrl: string;
  token?: string;
  readError: ErrorReader;
  /** Milliseconds before a request is given up; 30 s by default. */
  timeoutMs?: number;
}

export class SimnetHttpClient {
  token: string | undefined;

  constructor(private readonly options: HttpClientOptions) {
    this.token = options.token;
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.options.baseUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text.length > 0 ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      parsed = text;
    }
    if (!response.ok) {
      const { code, message } = this.options.readError(parsed);
      const retryAfter = response.headers.get("retry-after");
      throw new SimnetRequestError(response.status, code, message, parsed, retryAfter === null ? undefined : Number(retryAfter));
    }
    return parsed as T;
  }
}
