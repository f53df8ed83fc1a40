/**
 * Runs one simulated network: an HTTP server for its REST API and admin API, and WebSockets for
 * its realtime protocol, on one port, with state in its own SQLite file.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { Duplex } from "node:stream";
import { timingSafeEqual } from "node:crypto";
import { WebSocketServer, type WebSocket } from "ws";
import { openSimnetDatabase } from "./database.js";
import { eventStreamSchema, EventStreams } from "./event-stream.js";
import { Faults } from "./faults.js";
import { Router, serve } from "./http.js";
import type { NetworkDefinition, NetworkHandlers, SimnetLogger } from "./network.js";
import { ProtocolError } from "./protocol-error.js";

export interface NetworkServerOptions {
  databasePath: string;
  adminToken: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  logger?: SimnetLogger;
  now?: () => number;
}

export interface RunningNetworkServer {
  id: NetworkDefinition["id"];
  url: string;
  port: number;
  stop(): Promise<void>;
}

const silent: SimnetLogger = { info: () => {}, warn: () => {}, error: () => {} };
const PRUNE_INTERVAL_MS = 60_000;

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startNetworkServer(definition: NetworkDefinition, options: NetworkServerOptions): Promise<RunningNetworkServer> {
  const log = options.logger ?? silent;
  const now = options.now ?? Date.now;
  const db = openSimnetDatabase(options.databasePath, [eventStreamSchema, ...definition.schema]);
  const streams = new EventStreams(db, definition.retention, now);
  const faults = new Faults(now);
  const clientRoutes = new Router();
  const adminRoutes = new Router();
  const sockets = new Set<WebSocket>();

  let handlers: NetworkHandlers;
  try {
    handlers = definition.setup({ db, streams, faults, clientRoutes, adminRoutes, now, log });
  } catch (error) {
    db.close();
    throw error;
  }
  addFaultRoutes(adminRoutes, faults, () => {
    for (const socket of sockets) socket.terminate();
    return sockets.size;
  });

  const adminOptions = {
    maxBodyBytes: definition.maxBodyBytes,
    renderError: definition.renderError,
    // Admin requests need the token but bypass injected faults: they are how faults get cleared.
    guard: (request: { token: string | undefined }) => {
      if (!sameSecret(request.token, options.adminToken)) {
        throw new ProtocolError(401, "unauthorized", "the admin API needs the admin token as a bearer token");
      }
    },
  };
  const clientOptions = { ...adminOptions, guard: () => faults.checkRequest() };
  const server: Server = createServer((req, res) => {
    const isAdmin = (req.url ?? "").startsWith("/admin/");
    serve(req, res, isAdmin ? adminRoutes : clientRoutes, isAdmin ? adminOptions : clientOptions).catch((error: unknown) => {
      log.error("Request handler failed", { network: definition.id, url: req.url, error: String(error) });
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: definition.maxFrameBytes });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? "/", "http://simnet.invalid");
    if (url.pathname !== definition.realtimePath) return rejectUpgrade(socket, 404, "Not Found");
    if (faults.isRefusing()) return rejectUpgrade(socket, 503, "Service Unavailable");
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on("close", () => sockets.delete(ws));
      // A socket error (a peer that vanished mid-frame) must not become an uncaught exception.
      ws.on("error", (error) => log.warn("Realtime socket error", { network: definition.id, error: error.message }));
      try {
        handlers.onRealtime({ socket: ws, query: url.searchParams, headers: req.headers });
      } catch (error) {
        log.error("Realtime handler failed", { network: definition.id, error: String(error) });
        ws.close(1011, "internal error");
      }
    });
  });

  const pruneTimer = setInterval(() => streams.pruneExpired(), PRUNE_INTERVAL_MS);
  pruneTimer.unref();

  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
    });
  } catch (error) {
    // A port already in use: release what was opened, then say so.
    clearInterval(pruneTimer);
    handlers.close?.();
    db.close();
    throw error;
  }
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const host = options.host ?? "127.0.0.1";
  log.info(`${definition.id} simulation listening`, { network: definition.id, url: `http://${host}:${port}` });

  let stopping: Promise<void> | undefined;
  return {
    id: definition.id,
    url: `http://${host}:${port}`,
    port,
    stop() {
      stopping ??= (async () => {
        clearInterval(pruneTimer);
        handlers.close?.();
        for (const socket of sockets) socket.terminate();
        wss.close();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        db.close();
      })();
      return stopping;
    },
  };
}

function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function addFaultRoutes(routes: Router, faults: Faults, dropConnections: () => number): void {
  const number = (body: unknown, key: string, fallback?: number): number => {
    const value = (body as Record<string, unknown> | undefined)?.[key] ?? fallback;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new ProtocolError(400, "invalid_argument", `'${key}' must be a non-negative number`);
    }
    return value;
  };
  routes
    .add("GET", "/admin/faults", () => ({ body: faults.describe() }))
    .add("DELETE", "/admin/faults", () => {
      faults.clear();
      return { body: faults.describe() };
    })
    .add("POST", "/admin/faults/drop-connections", () => ({ body: { dropped: dropConnections() } }))
    .add("POST", "/admin/faults/refuse-connections", ({ body }) => {
      faults.refuseFor(number(body, "seconds"));
      return { body: faults.describe() };
    })
    .add("POST", "/admin/faults/delay-deliveries", ({ body }) => {
      faults.deliveryDelayMs = number(body, "ms");
      return { body: faults.describe() };
    })
    .add("POST", "/admin/faults/fail-requests", ({ body }) => {
      const status = number(body, "status", 500);
      if (status !== 500 && status !== 429) throw new ProtocolError(400, "invalid_argument", "'status' must be 500 or 429");
      faults.failNext({ count: number(body, "count"), status, retryAfter: number(body, "retry_after", 1) });
      return { body: faults.describe() };
    })
    .add("POST", "/admin/faults/duplicate-deliveries", ({ body }) => {
      faults.duplicateNext(number(body, "count"));
      return { body: faults.describe() };
    });
}
