/**
 * What a simulated network plugs into the shared server: its schema, its HTTP routes, its
 * realtime protocol and its error format. The core provides storage, ordered event streams,
 * fault injection, the admin API skeleton and the sockets.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { WebSocket } from "ws";
import type { SchemaStep, SimnetDatabase } from "./database.js";
import type { EventStreams, RetentionPolicy } from "./event-stream.js";
import type { Faults } from "./faults.js";
import type { Router } from "./http.js";
import type { ProtocolError } from "./protocol-error.js";

export type SimnetNetworkId = "whatsapp" | "messenger" | "instagram";

/** Where the simulations log; the CLI points it at the console, tests usually at nothing. */
export interface SimnetLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export interface NetworkContext {
  db: SimnetDatabase;
  streams: EventStreams;
  faults: Faults;
  /** Routes ordinary clients use; injected failures apply to them. */
  clientRoutes: Router;
  /** Routes under /admin, reachable with the admin token only; never failed by injection. */
  adminRoutes: Router;
  now(): number;
  log: SimnetLogger;
}

export interface RealtimeConnection {
  socket: WebSocket;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

export interface NetworkHandlers {
  /** A client opened the realtime socket; the network authenticates and serves it. */
  onRealtime(connection: RealtimeConnection): void;
  /** Releases timers and such when the server stops. */
  close?(): void;
}

export interface NetworkDefinition {
  id: SimnetNetworkId;
  /** The network's own tables; the event stream tables come first, from the core. */
  schema: readonly SchemaStep[];
  retention: RetentionPolicy;
  /** Largest request body accepted (media are uploaded base64 in JSON). */
  maxBodyBytes: number;
  /** Largest realtime frame accepted. */
  maxFrameBytes: number;
  /** The path clients open the realtime WebSocket on. */
  realtimePath: string;
  renderError(error: ProtocolError): unknown;
  setup(context: NetworkContext): NetworkHandlers;
}
