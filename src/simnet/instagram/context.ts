/**
 * Everything one running Instagram simulation holds, built once in `setup` and handed to the
 * modules that act on it, plus the one way state changes reach clients: patches appended to
 * each affected account's durable stream.
 */
import { AckLedger } from "../core/acks.js";
import { IdempotencyKeys } from "../core/idempotency.js";
import { MediaStore } from "../core/media.js";
import type { NetworkContext } from "../core/network.js";
import { GroupCommit } from "../core/group-commit.js";
import { Sessions } from "../core/sessions.js";
import { Accounts } from "./accounts.js";
import { TimeOrderedIds } from "./ids.js";
import { ProviderFeed } from "./interop/feed.js";
import { Identities, isThirdPartyPk } from "./interop/identities.js";
import { ThirdPartyThreads } from "./interop/marks.js";
import { OptIns } from "./interop/opt-ins.js";
import { Providers } from "./interop/providers.js";
import { Items } from "./items.js";
import { AccountLimits, type InstagramRateLimits } from "./limits.js";
import { People } from "./people.js";
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
  private readonly commits: GroupCommit;
  readonly ids: TimeOrderedIds;
  readonly render: Renderer;
  /** The interoperability API: providers, their identities, users' opt-ins, third-party chats and what providers are told. */
  readonly providers: Providers;
  readonly identities: Identities;
  readonly people: People;
  readonly optIns: OptIns;
  readonly thirdPartyThreads: ThirdPartyThreads;
  readonly feed: ProviderFeed;

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
    this.commits = new GroupCommit(net.db, net.streams);
    this.providers = new Providers(db, now);
    this.identities = new Identities(db, now);
    this.people = new People(this.accounts, this.identities);
    this.optIns = new OptIns(db, now);
    this.thirdPartyThreads = new ThirdPartyThreads(db, now);
    this.feed = new ProviderFeed(net.streams, this.thirdPartyThreads, this.identities, this.threads, this.media, now);
    this.render = new Renderer(this.people, this.threads, this.items);
  }

  now(): number {
    return this.net.now();
  }

  /**
   * Runs `work` in one transaction with the patches it publishes; inside one already (a
   * third-party chat made through the ordinary group code), it joins that one.
   */
  transaction<T>(work: () => T): T {
    return this.net.db.inTransaction ? work() : this.net.streams.transaction(work);
  }

  /**
   * Like `transaction`, but commits together with the other work queued in the same turn of the
   * event loop (group commit, core/group-commit.ts): under load most of a send's cost is its
   * commit, and this shares it. Answers are given once everything is committed.
   */
  grouped<T>(work: () => T): Promise<T> {
    return this.commits.run(work);
  }

  /** Third-party identities have no stream: their provider hears through the feed. */
  publish(pk: string, ops: IgPatch[]): void {
    if (!isThirdPartyPk(pk)) this.net.streams.append(accountStream(pk), "patch", ops);
  }

  /** Publishes to every `pks`, each getting the patches made for them. */
  publishEach(pks: Iterable<string>, opsFor: (pk: string) => IgPatch[]): void {
    for (const pk of pks) this.publish(pk, opsFor(pk));
  }
}
