/**
 * The appservice HTTP endpoint, with transactions that survive a restart.
 *
 * matrix-appservice answers a transaction before the bridge has processed its events and
 * remembers only the last transaction id, in memory. So a crash mid-transaction loses events
 * (the homeserver was told they arrived), and a transaction retried after a restart is applied
 * a second time. Here the answer waits until every event's handler has finished, and the id is
 * recorded in the database first: a crash means the homeserver retries, and a retry of a
 * transaction already applied is acknowledged without being applied again.
 */
import { timingSafeEqual } from "node:crypto";
import type { Server } from "node:http";
import { AppService } from "matrix-appservice-bridge";
import type { Logger } from "../logging/logger.js";
import type { TransactionKey } from "../storage/index.js";
import { transactionFingerprint } from "./transaction-fingerprint.js";

export interface TransactionLog {
  isProcessed(key: TransactionKey): boolean;
  markProcessed(key: TransactionKey, eventCount: number): void;
  pruneOlderThan(cutoffMs: number): number;
}

/**
 * How long applied transactions are remembered. A retry comes within minutes while the bridge
 * is up, but the homeserver keeps retrying while it is down, however long that is: the record
 * must outlast any plausible outage. The rows are tiny.
 */
export const TRANSACTION_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

type Listener = (event: Record<string, unknown>) => unknown;

// The slice of express's request and response that the handlers use (express is the
// library's dependency, not ours).
interface Request {
  params: Record<string, string | undefined>;
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}
interface Response {
  status(code: number): Response;
  send(body: unknown): unknown;
}

export class DurableAppService extends AppService {
  private readonly inFlight = new Set<Promise<void>>();
  private pruneTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  /** Until the bridge behind the endpoint has started, transactions are turned away (and retried). */
  private ready = false;
  private readonly transactions: TransactionLog;
  private readonly log: Logger;
  private readonly homeserverToken: Buffer;

  constructor(options: { homeserverToken: string; transactions: TransactionLog; logger: Logger }) {
    super({ homeserverToken: options.homeserverToken });
    this.homeserverToken = Buffer.from(options.homeserverToken);
    this.transactions = options.transactions;
    this.log = options.logger;
    // MSC2659: the homeserver's half of the ping the bridge asks for at start-up (homeserver-check.ts).
    this.expressApp.post("/_matrix/app/v1/ping", (req: Request, res: Response) => this.handlePing(req, res));
    // Express's default answer to a body it cannot parse is an HTML page plus a stack trace on
    // stderr; a JSON error and one log line say the same without the noise.
    this.expressApp.use((error: { status?: number; message?: string }, _req: unknown, res: Response, _next: unknown) => {
      const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
      const errcode = status === 413 ? "M_TOO_LARGE" : status < 500 ? "M_NOT_JSON" : "M_UNKNOWN";
      this.log.warn("Rejected a request the appservice endpoint could not read", { status, reason: error.message });
      res.status(status).send({ errcode, error: error.message ?? "Bad request" });
    });
  }

  override async listen(port: number, hostname: string, backlog: number): Promise<void> {
    this.prune();
    this.pruneTimer = setInterval(() => this.prune(), PRUNE_INTERVAL_MS);
    // Pruning is housekeeping: it must not keep the process alive on its own.
    this.pruneTimer.unref();
    await super.listen(port, hostname, backlog);
  }

  /** The bridge behind the endpoint is running: transactions are taken from now on. */
  markReady(): void {
    this.ready = true;
  }

  /** Waits for the transactions being applied now; new ones get 503 and will be retried. */
  async drain(): Promise<void> {
    this.stopping = true;
    clearInterval(this.pruneTimer);
    await Promise.allSettled([...this.inFlight]);
  }

  override async close(): Promise<void> {
    const server = (this as unknown as { server?: Server }).server;
    // Homeservers keep connections alive; without this, close() waits for them to time out.
    const closing = super.close();
    server?.closeIdleConnections();
    await closing;
  }

  private prune(): void {
    try {
      const removed = this.transactions.pruneOlderThan(Date.now() - TRANSACTION_RETENTION_MS);
      if (removed > 0) this.log.debug("Forgot old applied transactions", { removed });
    } catch (error) {
      this.log.warn("Could not prune old transaction records", { error });
    }
  }

  /** Only the homeserver, which holds hs_token, may push events. */
  private isFromHomeserver(req: Request): boolean {
    const header = req.headers["authorization"];
    const bearer = typeof header === "string" && header.startsWith("Bearer ") ? header.slice(7) : undefined;
    // The query parameter is the older, deprecated way homeservers send the token.
    const query = typeof req.query["access_token"] === "string" ? req.query["access_token"] : undefined;
    const given = Buffer.from(bearer ?? query ?? "");
    return given.length === this.homeserverToken.length && timingSafeEqual(given, this.homeserverToken);
  }

  /** Answers 403 to anyone but the homeserver. */
  private admitted(req: Request, res: Response): boolean {
    if (this.isFromHomeserver(req)) return true;
    res.status(403).send({ errcode: "M_FORBIDDEN", error: "Bad token supplied" });
    return false;
  }

  private async handleTransaction(req: Request, res: Response): Promise<void> {
    if (!this.admitted(req, res)) return;
    const txnId = String(req.params["txnId"] ?? "");
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (this.stopping || !this.ready) {
      res.status(503).send({ errcode: "M_UNKNOWN", error: this.stopping ? "The bridge is shutting down" : "The bridge is starting" });
      return;
    }
    if (!txnId || typeof body !== "object") {
      res.status(400).send({ errcode: "M_BAD_JSON", error: "Missing transaction id or body" });
      return;
    }
    const events = asEventList(body["events"]);
    const ephemeral = asEventList(body["de.sorunome.msc2409.ephemeral"] ?? body["ephemeral"]);
    const key = { txnId, fingerprint: transactionFingerprint(events, ephemeral) };
    this.log.debug("Transaction received", { txnId, events: events.map((e) => e["type"]), ephemeral: ephemeral.length });
    const work = this.applyOnce(key, events, ephemeral);
    this.inFlight.add(work);
    try {
      await work;
      res.send({});
    } catch (error) {
      // Only storage failures get here (handlers catch their own errors): let the homeserver retry.
      this.log.error("Could not check or record a transaction; the homeserver will retry it", { txnId, error });
      res.status(500).send({ errcode: "M_UNKNOWN", error: "Transaction could not be recorded" });
    } finally {
      this.inFlight.delete(work);
    }
  }

  private async applyOnce(key: TransactionKey, events: Record<string, unknown>[], ephemeral: Record<string, unknown>[]) {
    if (this.transactions.isProcessed(key)) {
      this.log.debug("Transaction already applied, acknowledging again", { txnId: key.txnId });
      return;
    }
    await this.apply(events, ephemeral);
    this.transactions.markProcessed(key, events.length + ephemeral.length);
  }

  private async apply(events: Record<string, unknown>[], ephemeral: Record<string, unknown>[]) {
    // Started in order, so the bridge's queue sees them in order; awaited together.
    const pending: Promise<unknown>[] = [];
    for (const event of events) pending.push(...this.dispatch("event", event));
    for (const event of ephemeral) pending.push(...this.dispatch("ephemeral", event));
    const results = await Promise.allSettled(pending);
    for (const result of results) {
      if (result.status === "rejected") {
        this.log.error("An event handler failed; the event is skipped", { error: result.reason });
      }
    }
  }

  private dispatch(name: "event" | "ephemeral", event: Record<string, unknown>): Promise<unknown>[] {
    return (this.listeners(name) as Listener[]).map((listener) => Promise.resolve().then(() => listener(event)));
  }

  private handlePing(req: Request, res: Response): void {
    if (!this.admitted(req, res)) return;
    const body = (req.body ?? {}) as { transaction_id?: unknown };
    this.log.debug("Pinged by the homeserver", { transactionId: body.transaction_id });
    res.status(200).send({});
  }

  private async handleHealth(_req: Request, res: Response): Promise<void> {
    const up = this.ready && !this.stopping;
    res.status(up ? 200 : 503).send(up ? "OK" : this.stopping ? "STOPPING" : "STARTING");
  }
}

function asEventList(value: unknown): Record<string, unknown>[] {
  if (!Array.isArray(value)) return [];
  return value.filter((e): e is Record<string, unknown> => typeof e === "object" && e !== null);
}

// AppService binds `this.onTransaction` and `this.onHealthCheck` to its routes in its
// constructor, and declares them private, so TypeScript forbids a plain override. Replacing
// them on this subclass's prototype makes the constructor bind ours instead.
Object.defineProperty(DurableAppService.prototype, "onTransaction", {
  value: DurableAppService.prototype["handleTransaction" as keyof DurableAppService],
});
Object.defineProperty(DurableAppService.prototype, "onHealthCheck", {
  value: DurableAppService.prototype["handleHealth" as keyof DurableAppService],
});
