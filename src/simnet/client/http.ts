/**
 * The HTTP half of every simnet client library: JSON requests with a bearer token, and every
 * refusal turned into a SimnetRequestError carrying the network's error code, so callers (the
 * bridge's connectors, tests, the shell command) act on codes rather than on message text.
 */
import { Agent as HttpAgent, request as httpRequest } from "node:http";

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

/**
 * node:http with a keep-alive agent rather than fetch: on loopback, fetch costs several times
 * the CPU per request, and the bridge sends through this for every message.
 */
export class SimnetHttpClient {
  token: string | undefined;
  private readonly agent: HttpAgent;

  constructor(private readonly options: HttpClientOptions) {
    this.token = options.token;
    this.agent = new HttpAgent({ keepAlive: true, maxSockets: 128 });
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const { status, text, retryAfter } = await this.exchange(method, path, body === undefined ? undefined : JSON.stringify(body));
    let parsed: unknown;
    try {
      parsed = text.length > 0 ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      parsed = text;
    }
    if (status < 200 || status >= 300) {
      const { code, message } = this.options.readError(parsed);
      throw new SimnetRequestError(status, code, message, parsed, retryAfter === undefined ? undefined : Number(retryAfter));
    }
    return parsed as T;
  }

  /** Closes idle keep-alive connections, so a finished client holds no sockets open. */
  close(): void {
    this.agent.destroy();
  }

  private exchange(method: string, path: string, body: string | undefined): Promise<{ status: number; text: string; retryAfter?: string }> {
    const headers: Record<string, string | number> = {};
    if (body !== undefined) {
      headers["content-type"] = "application/json";
      headers["content-length"] = Buffer.byteLength(body);
    }
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    return new Promise((resolve, reject) => {
      const request = httpRequest(`${this.options.baseUrl}${path}`, { method, headers, agent: this.agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const retryAfter = response.headers["retry-after"];
          resolve({
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString("utf8"),
            ...(typeof retryAfter === "string" ? { retryAfter } : {}),
          });
        });
      });
      request.setTimeout(this.options.timeoutMs ?? 30_000, () => request.destroy(new Error(`${method} ${path} timed out`)));
      request.on("error", reject);
      request.end(body);
    });
  }
}
