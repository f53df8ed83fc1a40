/**
 * Everything the Messenger routes and realtime handler share: the stores, the core services and
 * the limits, built once per server.
 */
import { AckLedger } from "../core/acks.js";
import type { SimnetDatabase } from "../core/database.js";
import type { EventStreams } from "../core/event-stream.js";
import type { Faults } from "../core/faults.js";
import { IdempotencyKeys } from "../core/idempotency.js";
import { MediaStore } from "../core/media.js";
import type { NetworkContext, SimnetLogger } from "../core/network.js";
import { Sessions } from "../core/sessions.js";
import type { MessengerSettings } from "./config.js";
import { Deltas } from "./deltas.js";
import { GroupCommit } from "../core/group-commit.js";
import { IdAllocator } from "./ids.js";
import { LiveConnections } from "../core/live-connections.js";
import { Accounts } from "./store/accounts.js";
import { Attachments } from "./store/attachments.js";
import { Messages } from "./store/messages.js";
import { PendingLogins } from "./store/pending-logins.js";
import { Threads } from "./store/threads.js";
import { TokenBuckets } from "../core/token-bucket.js";
import { ChatRegistry } from "./interop/chat-registry.js";
import { Consent } from "./interop/consent.js";
import { InteropHub } from "./interop/hub.js";
import { Identities } from "./interop/identities.js";
import { Providers } from "./interop/providers.js";

/** The interoperability API's stores and its provider streams (interop/). */
export interface Interop {
  providers: Providers;
  identities: Identities;
  consent: Consent;
  registry: ChatRegistry;
  hub: InteropHub;
}

export interface Messenger {
  db: SimnetDatabase;
  streams: EventStreams;
  faults: Faults;
  now(): number;
  log: SimnetLogger;
  settings: MessengerSettings;
  ids: IdAllocator;
  accounts: Accounts;
  pendingLogins: PendingLogins;
  threads: Threads;
  messages: Messages;
  attachments: Attachments;
  sessions: Sessions;
  acks: AckLedger;
  idempotency: IdempotencyKeys;
  deltas: Deltas;
  /** Batches sends into shared transactions (see core/group-commit.ts). */
  sendCommits: GroupCommit;
  live: LiveConnections;
  sendLimits: TokenBuckets;
  loginLimits: TokenBuckets;
  interop: Interop;
}

export function createMessenger(context: NetworkContext, settings: MessengerSettings): Messenger {
  const { db, now } = context;
  const ids = new IdAllocator(db);
  const sessions = new Sessions(db, now);
  const threads = new Threads(db);
  const messages = new Messages(db);
  const live = new LiveConnections();
  const providers = new Providers(db, ids);
  const identities = new Identities(db, ids);
  const registry = new ChatRegistry(db);
  const hub = new InteropHub({ streams: context.streams, live, threads, messages, providers, identities, registry });
  return {
    db,
    streams: context.streams,
    faults: context.faults,
    now,
    log: context.log,
    settings,
    ids,
    accounts: new Accounts(db, ids, now),
    pendingLogins: new PendingLogins(db),
    threads,
    messages,
    attachments: new Attachments(db, new MediaStore(db, now)),
    sessions,
    acks: new AckLedger(db),
    idempotency: new IdempotencyKeys(db, now),
    deltas: new Deltas(context.streams, hub),
    sendCommits: new GroupCommit(db, context.streams),
    live,
    sendLimits: new TokenBuckets(settings.sendsPerMinute, 60_000, now),
    loginLimits: new TokenBuckets(settings.loginFailures, settings.loginFailureWindowMs, now),
    interop: { providers, identities, consent: new Consent(db), registry, hub },
  };
}
