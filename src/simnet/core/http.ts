/**
 * The HTTP side of a simulated network: a small router on node:http with JSON bodies, a body
 * size limit, bearer tokens, and every failure turned into the network's own error body. Bad
 * input answers 4xx; it never reaches the process's uncaught-exception handler.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ProtocolError } from "./protocol-error.js";

export interface HttpRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  /** The bearer token of the Authorization header, if any. */
  token: string | undefined;
  /** The parsed JSON body; undefined when there was none. */
  body: unknown;
}

export interface HttpResponse {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type HttpHandler = (request: HttpRequest) => HttpResponse | Promise<HttpResponse>;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: HttpHandler;
}

export type ErrorRenderer = (error: ProtocolError) => unknown;

export class Router {
  private readonly routes: Route[] = [];

  /** `path` may hold `:name` segments, e.g. `/v1/threads/:threadId/messages`. */
  add(method: string, path: string, handler: HttpHandler): this {
    const names: string[] = [];
    const source = path
      .split("/")
      .map((segment) => {
        if (!segment.startsWith(":")) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        names.push(segment.slice(1));
        return "([^/]+)";
      })
      .join("/");
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  match(method: string, path: string): { handler: HttpHandler; params: Record<string, string> } | "wrong-method" | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      const match = route.pattern.exec(path);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = decodeSegment(match[i + 1] ?? "", name);
      });
      return { handler: route.handler, params };
    }
    return pathMatched ? "wrong-method" : undefined;
  }
}

function decodeSegment(segment: string, name: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // A broken %-escape is the client's mistake, not a server failure.
    throw new ProtocolError(400, "invalid_path", `the '${name}' part of the path is not valid percent-encoding`);
  }
}

export interface HttpOptions {
  maxBodyBytes: number;
  renderError: ErrorRenderer;
  /** Runs before routing; throws to refuse the request (authentication, injected faults). */
  guard?: (request: Omit<HttpRequest, "params">) => void;
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      if (size > limit) return; // already refused: the rest is read and dropped
      size += chunk.length;
      if (size > limit) {
        // Answered at once; the connection closes after the answer (see send()).
        reject(new ProtocolError(413, "payload_too_large", `request body exceeds ${limit} bytes`));
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

async function parseRequest(req: IncomingMessage, options: HttpOptions): Promise<Omit<HttpRequest, "params">> {
  const url = new URL(req.url ?? "/", "http://simnet.invalid");
  const text = await readBody(req, options.maxBodyBytes);
  let body: unknown;
  if (text.length > 0) {
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      throw new ProtocolError(400, "malformed_json", "the request body is not valid JSON");
    }
  }
  const auth = req.headers.authorization;
  return {
    method: req.method ?? "GET",
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    token: auth?.startsWith("Bearer ") ? auth.slice(7) : undefined,
    body,
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(text);
}

/** Handles one request through `router`; resolves once the answer is written. */
export async function serve(req: IncomingMessage, res: ServerResponse, router: Router, options: HttpOptions): Promise<void> {
  try {
    const request = await parseRequest(req, options);
    options.guard?.(request);
    const match = router.match(request.method, request.path);
    if (match === undefined) throw new ProtocolError(404, "unknown_endpoint", `no such endpoint: ${request.path}`);
    if (match === "wrong-method") throw new ProtocolError(405, "method_not_allowed", `${request.method} is not allowed on ${request.path}`);
    const response = await match.handler({ ...request, params: match.params });
    send(res, response.status ?? 200, response.body ?? {}, response.headers);
  } catch (error) {
    const protocolError =
      error instanceof ProtocolError ? error : new ProtocolError(500, "internal_error", "the server failed to handle the request");
    const headers: Record<string, string> = {
      ...(protocolError.retryAfter !== undefined ? { "retry-after": String(protocolError.retryAfter) } : {}),
      // The unread rest of an oversize body must not be taken for the next request.
      ...(protocolError.status === 413 ? { connection: "close" } : {}),
    };
    send(res, protocolError.status, options.renderError(protocolError), headers);
    if (!(error instanceof ProtocolError)) throw error;
  }
}
