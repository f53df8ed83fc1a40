/**
 * Everything one running Instagram simulation holds, built once in `setup` and handed to the
 * modules that act on it, plus the one way state changes reach clients: patches appended to
 * each affected account's durable stream.
 */
import { AckLedger } from "../core/acks.js";
import { IdempotencyKeys } from "../core/idempotency.js";
import { MediaStore } from "../core/media.js";
import type { NetworkContext } from "../core/network.js";
import { ProtocolError } from "../core/protocol-error.js";
import { Sessions } from "../core/sessions.js";
import { Accounts } from "./accounts.js";
import { TimeOrderedIds } from "./ids.js";
import { Items } from "./items.js";
import { AccountLimits, type InstagramRateLimits } from "./limits.js";
import { Posts } from "./posts.js";
import type { IgPatch } from "./protocol.js";
import { Renderer } from "./render.js";
import { Threads } from "./threads.js";

export interface InstagramSettings {
  rateLimits: InstagramRateLimits;
  /** Chance that a login from a device not yet trusted by the account meets a checkpoint. */
  checkpointRate: number;
  random: () => number;
}

export const accountStream = (pk: string) => `acct:${pk}`;

export class Instagram {
  readonly accounts: Accounts;
  readonly sessions: Sessions;
  readonly threads: Threads;
  readonly items: Items;
  readonly posts: Posts;
  readonly media: MediaStore;
  readonly idempotency: IdempotencyKeys;
  readonly acks: AckLedger;
  readonly limits: AccountLimits;
  readonly ids: TimeOrderedIds;
  readonly render: Renderer;

  constructor(
    readonly net: NetworkContext,
    readonly settings: InstagramSettings,
  ) {
    const { db, now } = net;
    this.accounts = new Accounts(db, now);
    this.sessions = new Sessions(db, now);
    this.threads = new Threads(db, now);
    this.items = new Items(db);
    const largest = [this.items.largestId(), Posts.largestPk(db)].reduce((a, b) => (a > b ? a : b));
    this.ids = new TimeOrderedIds(largest, now);
    this.posts = new Posts(db, this.ids, this.accounts, now);
    this.media = new MediaStore(db, now);
    this.idempotency = new IdempotencyKeys(db, now);
    this.acks = new AckLedger(db);
    this.limits = new AccountLimits(settings.rateLimits, now);
    this.render = new Renderer(this.accounts, this.threads, this.items);
  }

  now(): number {
    return this.net.now();
  }

  /** Runs `work` in one transaction with the patches it publishes. */
  transaction<T>(work: () => T): T {
    return this.net.streams.transaction(work);
  }

  private batch: { work: () => unknown; settle: (outcome: { ok: true; value: unknown } | { ok: false; error: unknown }) => void }[] = [];

  /**
   * Like `transaction`, but commits together with the other work queued in the same turn of the
   * event loop (group commit): under load most of a send's cost is its commit, and this shares
   * it. The work must refuse (throw a ProtocolError) before its first write, as a send does, so
   * a refused piece leaves nothing behind and needs no savepoint; any other error takes back
   * the whole batch. Answers are given once everything is committed.
   */
  grouped<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.batch.push({ work, settle: (outcome) => (outcome.ok ? resolve(outcome.value as T) : reject(outcome.error)) });
      if (this.batch.length === 1) setImmediate(() => this.commitBatch());
    });
  }

  private commitBatch(): void {
    const jobs = this.batch;
    this.batch = [];
    let outcomes: Parameters<(typeof jobs)[number]["settle"]>[0][];
    try {
      outcomes = this.transaction(() =>
        jobs.map((job) => {
          try {
            return { ok: true as const, value: job.work() };
          } catch (error) {
            if (!(error instanceof ProtocolError)) throw error;
            return { ok: false as const, error };
          }
        }),
      );
    } catch (error) {
      outcomes = jobs.map(() => ({ ok: false as const, error }));
    }
    jobs.forEach((job, i) => job.settle(outcomes[i]!));
  }

  publish(pk: string, ops: IgPatch[]): void {
    this.net.streams.append(accountStream(pk), "patch", ops);
  }

  /** Publishes to every `pks`, each getting the patches made for them. */
  publishEach(pks: Iterable<string>, opsFor: (pk: string) => IgPatch[]): void {
    for (const pk of pks) this.publish(pk, opsFor(pk));
  }
}
