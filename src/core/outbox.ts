/**
 * The way out to the networks: every Matrix event bound for a network is stored first, then done
 * on the network by its lane (a portal, or a gateway chat), oldest first. The homeserver's
 * transaction is acknowledged once the events are stored, so a network that asks the bridge to
 * wait (a rate limit, an outage) holds up neither the homeserver nor any other lane, nothing is
 * dropped while it waits, and a restart carries on with what was left.
 *
 * A lane runs its attempts inside its serial queue (a portal's: in order with what arrives from
 * its network), but it waits outside it: a rate-limited portal still receives.
 */
import type { Logger } from "../logging/logger.js";
import type { MatrixEvent } from "../matrix/events.js";
import type { OutboxEntry, OutboxRepository } from "../storage/repositories/outbox.js";
import { DEFAULT_RETRY, retryDecision, type RetryDecision, type RetryPolicy } from "./deliver.js";
import type { KeyedSerialQueue } from "./serial-queue.js";

/** A wait that puts an event this far behind the moment it was queued is announced. */
export const ANNOUNCE_AFTER_MS = 5_000;
/** How long a lane rests when the outbox itself failed (the database), before trying again. */
const STORAGE_RETRY_MS = 5_000;

export interface OutboxHandlers {
  /** Does the event on the network once; throws whatever stopped it. */
  attempt(lane: number, event: MatrixEvent): Promise<void>;
  /** The event will not be done: tell its sender why. */
  failed(lane: number, event: MatrixEvent, error: unknown): Promise<void>;
  /** The event waits: tell its sender (once for all the lane has queued until it empties). */
  waiting(lane: number, event: MatrixEvent, wait: RetryDecision): Promise<void>;
}

export interface OutboxOptions {
  store: OutboxRepository;
  queue: KeyedSerialQueue;
  handlers: OutboxHandlers;
  /** The serial-queue key of a lane (the portal's or gateway chat's own queue). */
  queueKey(lane: number): string;
  logger: Logger;
  policy?: RetryPolicy;
  announceAfterMs?: number;
}

type Step = { kind: "next" } | { kind: "empty" } | { kind: "wait"; ms: number };

export class Outbox {
  /** Lanes with a drain loop running. */
  private readonly draining = new Set<number>();
  /** Lanes that were given new events while their loop ran. */
  private readonly again = new Set<number>();
  /** Lanes resting until the network lets them try again. */
  private readonly resting = new Map<number, NodeJS.Timeout>();
  /** Lanes whose sender heard of a wait since the lane was last empty: one notice covers a backlog. */
  private readonly announced = new Set<number>();
  /** Until resume(): events are stored but nothing is tried, so none runs before the logins are up. */
  private stopped = true;

  constructor(private readonly options: OutboxOptions) {}

  /** Stores the event in the lane and wakes it; false if it was queued there already. */
  enqueue(lane: number, event: MatrixEvent): boolean {
    const added = this.options.store.add(lane, event.event_id, event as unknown as Record<string, unknown>);
    this.wake(lane);
    return added;
  }

  /** Starts the lanes, beginning with events left from before a restart. */
  resume(): void {
    this.stopped = false;
    for (const lane of this.options.store.lanesWithPending()) this.wake(lane);
  }

  /** Stops starting attempts; events still queued stay stored for the next start. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.resting.values()) clearTimeout(timer);
    this.resting.clear();
  }

  private wake(lane: number): void {
    if (this.stopped || this.resting.has(lane)) return;
    if (this.draining.has(lane)) {
      this.again.add(lane);
      return;
    }
    this.draining.add(lane);
    void this.drain(lane);
  }

  private async drain(lane: number): Promise<void> {
    try {
      for (;;) {
        this.again.delete(lane);
        let step: Step;
        try {
          step = await this.options.queue.run(this.options.queueKey(lane), () => this.step(lane));
        } catch (error) {
          this.options.logger.error("The outbox could not read or update its queue; trying again shortly", { lane, error });
          step = { kind: "wait", ms: STORAGE_RETRY_MS };
        }
        if (this.stopped) return;
        if (step.kind === "next" || (step.kind === "empty" && this.again.has(lane))) continue;
        if (step.kind === "wait") this.rest(lane, step.ms);
        return;
      }
    } finally {
      // Synchronous with the last check of `again`, so no wake-up falls between the two.
      this.draining.delete(lane);
    }
  }

  private rest(lane: number, ms: number): void {
    const timer = setTimeout(() => {
      this.resting.delete(lane);
      this.wake(lane);
    }, ms);
    this.resting.set(lane, timer);
  }

  private async step(lane: number): Promise<Step> {
    const { store, handlers } = this.options;
    if (this.stopped) return { kind: "empty" };
    const entry = store.head(lane);
    if (!entry) {
      this.announced.delete(lane);
      return { kind: "empty" };
    }
    const event = entry.event as unknown as MatrixEvent;
    try {
      await handlers.attempt(lane, event);
    } catch (error) {
      const decision = retryDecision(error, entry.attempts + 1, this.options.policy ?? DEFAULT_RETRY);
      if (decision) {
        this.options.logger.debug("Waiting before trying an event again", {
          lane,
          event: entry.eventId,
          attempt: entry.attempts + 1,
          waitMs: Math.round(decision.waitMs),
          reason: (error as Error)?.message ?? String(error),
        });
        // A rate limit is the network pacing the bridge, not a failure: it uses up no attempts.
        if (!decision.rateLimited) store.recordAttempt(entry.id);
        await this.announce(entry, decision);
        return { kind: "wait", ms: decision.waitMs };
      }
      await handlers.failed(lane, event, error);
    }
    store.done(entry.id);
    return { kind: "next" };
  }

  private async announce(entry: OutboxEntry, decision: RetryDecision): Promise<void> {
    if (entry.announced || this.announced.has(entry.lane)) return;
    const behind = Date.now() + decision.waitMs - entry.queuedAt;
    if (behind < (this.options.announceAfterMs ?? ANNOUNCE_AFTER_MS)) return;
    await this.options.handlers.waiting(entry.lane, entry.event as unknown as MatrixEvent, decision);
    this.options.store.recordAnnounced(entry.lane);
    this.announced.add(entry.lane);
  }
}
