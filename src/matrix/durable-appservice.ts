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
  // Assigned after super(): express binds the route handler in AppService's constructor, but
  // requests cannot arrive before listen(), by which time these are set.
  private transactions!: TransactionLog;
  private log!: Logger;

  static create(options: { homeserverToken: string; transactions: TransactionLog; logger: Logger }) {
    const service = new DurableAppService({ homeserverToken: options.homeserverToken });
    service.transactions = options.transactions;
    service.log = options.logger;
    return service;
  }

  override async listen(port: number, hostname: string, backlog: number): Promise<void> {
    this.prune();
    this.pruneTimer = setInterval(() => this.prune(), PRUNE_INTERVAL_MS);
    // Pruning is housekeeping: it must not keep the process alive on its own.
    this.pruneTimer.unref();
    await super.listen(port, hostname, backlog);
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

  private async handleTransaction(req: Request, res: Response): Promise<void> {
    const txnId = String(req.params["txnId"] ?? "");
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (this.stopping) {
      res.status(503).send({ errcode: "M_UNKNOWN", error: "The bridge is shutting down" });
      return;
    }
    if (!txnId || typeof body !== "object") {
      res.status(400).send({ errcode: "M_BAD_JSON", error: "Missing transaction id or body" });
      return;
    }
    const events = asEventList(body["events"]);
    const ephemeral = asEventList(body["de.sorunome.msc2409.ephemeral"] ?? body["ephemeral"]);
    const key = { txnId, fingerprint: transactionFingerprint(events, ephemeral) };
    if (this.transactions.isProcessed(key)) {
      this.log.debug("Transaction already applied, acknowledging again", { txnId });
      res.send({});
      return;
    }
    const work = this.apply(events, ephemeral);
    this.inFlight.add(work);
    try {
      await work;
      this.transactions.markProcessed(key, events.length + ephemeral.length);
      res.send({});
    } catch (error) {
      // Only storage failures get here (handlers catch their own errors): let the homeserver retry.
      this.log.error("Could not record transaction; the homeserver will retry it", { txnId, error });
      res.status(500).send({ errcode: "M_UNKNOWN", error: "Transaction could not be recorded" });
    } finally {
      this.inFlight.delete(work);
    }
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

  private async handleHealth(_req: Request, res: Response): Promise<void> {
    res.status(this.stopping ? 503 : 200).send(this.stopping ? "STOPPING" : "OK");
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
