/**
 * Set-up for the WhatsApp connector's tests: a real simulated WhatsApp network, phones
 * registered with the SMS flow (each a WhatsappClient acting as a person's phone), the bridge
 * linked through the connector's own login flow, and a sink that records what the connector
 * hands to the core.
 */
import { afterEach } from "@jest/globals";
import { createWhatsappConnector } from "../../../src/connectors/whatsapp/index.js";
import type { ConnectionState, ConnectorLogger, LoginStep, NetworkConnector, NetworkSession, NewLogin, RemoteEvent, RemoteEventSink } from "../../../src/network/index.js";
import { WhatsappAdminClient } from "../../../src/simnet/whatsapp/client/admin.js";
import { WhatsappClient, type ClientOptions } from "../../../src/simnet/whatsapp/client/client.js";
import type { WhatsappEvents } from "../../../src/simnet/whatsapp/client/events.js";
import { requestSmsCode, verifySmsCode } from "../../../src/simnet/whatsapp/client/login.js";
import { createWhatsappNetwork, type WhatsappOptions } from "../../../src/simnet/whatsapp/index.js";
import { phoneOf } from "../../../src/simnet/whatsapp/protocol.js";
import { startTestNetwork, type TestNetwork } from "../../simnet/support/network.js";

export interface Wa {
  net: TestNetwork;
  admin: WhatsappAdminClient;
  connector: NetworkConnector;
  /** The network's clock, when the test asked for one it can move. */
  clock: { now: number };
}

const sessions: NetworkSession[] = [];
const phones: WhatsappClient[] = [];
const networks: TestNetwork[] = [];

// Sessions and phones first: a network that stopped under them would have them reconnecting.
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.stop().catch(() => {})));
  await Promise.all(phones.splice(0).map((phone) => phone.disconnect()));
  await Promise.all(networks.splice(0).map((net) => net.stop()));
});

export async function startWhatsapp(options: WhatsappOptions & { fakeClock?: boolean } = {}): Promise<Wa> {
  const clock = { now: Date.now() };
  const definition = createWhatsappNetwork({ ...options, rateLimits: { sendsPerMinute: 100_000, codeRequestsPerHour: 1000, ...options.rateLimits } });
  const net = await startTestNetwork(definition, options.fakeClock ? { now: () => clock.now } : {});
  networks.push(net);
  const connector = createWhatsappConnector({ url: net.url, backoff: { initialMs: 20, maxMs: 200 } });
  return { net, admin: new WhatsappAdminClient(net.url, net.adminToken), connector, clock };
}

let counter = 0;
/** A fresh fictional number, unique within the run. */
export function nextPhone(): string {
  counter += 1;
  return `1555${String(process.pid % 1000).padStart(3, "0")}${String(counter).padStart(4, "0")}`;
}

/** A person's phone, registered with an SMS code read through the admin API. */
export async function registerPhone(wa: Wa, name: string, options: ClientOptions & { phone?: string } = {}): Promise<WhatsappClient> {
  const phone = options.phone ?? nextPhone();
  await requestSmsCode(wa.net.url, phone);
  const codes = await wa.admin.codes(phone);
  const phoneClient = new WhatsappClient(await verifySmsCode(wa.net.url, phone, codes.sms?.code ?? "", { pushName: name }), options);
  phones.push(phoneClient);
  return phoneClient;
}

/** Links the bridge to the phone's account through the connector's login flow. */
export async function linkBridge(wa: Wa, phone: WhatsappClient): Promise<NewLogin> {
  const flow = wa.connector.login({ deviceName: "crosschat" });
  await flow.start();
  const shown = await flow.submit({ phone: `+${phoneOf(phone.jid)}` });
  if (shown.type !== "display") throw new Error(`expected a pairing code, got ${JSON.stringify(shown)}`);
  const waiting = flow.wait();
  await phone.approvePairing(shown.code);
  const done: LoginStep = await waiting;
  if (done.type !== "done") throw new Error(`expected the login to finish, got ${JSON.stringify(done)}`);
  return done.login;
}

export interface LogEntry {
  level: keyof ConnectorLogger;
  message: string;
  meta?: Record<string, unknown>;
}

/** What the connector hands to the core, recorded; `handle` can be made to fail. */
export class RecordingSink implements RemoteEventSink {
  readonly events: RemoteEvent[] = [];
  readonly states: { state: ConnectionState; detail?: string }[] = [];
  readonly loggedOutReasons: string[] = [];
  readonly logs: LogEntry[] = [];
  /** Called before an event is recorded; throwing (or rejecting) refuses it. */
  gate: (event: RemoteEvent) => void | Promise<void> = () => {};
  private readonly waiters = new Set<() => void>();

  readonly logger: ConnectorLogger = {
    debug: (message, meta) => this.log("debug", message, meta),
    info: (message, meta) => this.log("info", message, meta),
    warn: (message, meta) => this.log("warn", message, meta),
    error: (message, meta) => this.log("error", message, meta),
  };

  async handle(event: RemoteEvent): Promise<void> {
    await this.gate(event);
    this.events.push(event);
    this.wake();
  }

  connectionChanged(state: ConnectionState, detail?: string): void {
    this.states.push({ state, ...(detail !== undefined ? { detail } : {}) });
    this.wake();
  }

  loggedOut(reason: string): void {
    this.loggedOutReasons.push(reason);
    this.wake();
  }

  sessionChanged(): void {}

  /** The events of one type, as that type. */
  ofType<T extends RemoteEvent["type"]>(type: T): Extract<RemoteEvent, { type: T }>[] {
    return this.events.filter((event): event is Extract<RemoteEvent, { type: T }> => event.type === type);
  }

  /** Resolves with the first `count` events of `type` that match, once they have arrived. */
  async waitFor<T extends RemoteEvent["type"]>(type: T, count = 1, match: (event: Extract<RemoteEvent, { type: T }>) => boolean = () => true): Promise<Extract<RemoteEvent, { type: T }>[]> {
    await this.until(() => this.ofType(type).filter(match).length >= count, `${count} '${type}' events`);
    return this.ofType(type).filter(match).slice(0, count);
  }

  async until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    if (condition()) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`waited for ${what}; got events ${JSON.stringify(this.events.map((e) => e.type))}, states ${JSON.stringify(this.states)}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  private log(level: LogEntry["level"], message: string, meta?: Record<string, unknown>): void {
    this.logs.push({ level, message, ...(meta !== undefined ? { meta } : {}) });
    this.wake();
  }

  private wake(): void {
    for (const check of [...this.waiters]) check();
  }
}

/** A bridge session for a stored login, cleaned up after the test; not started. */
export function connectBridge(wa: Wa, login: NewLogin, sink = new RecordingSink()): { session: NetworkSession; sink: RecordingSink } {
  const session = wa.connector.connect(login.session, sink, sink.logger);
  sessions.push(session);
  return { session, sink };
}

/** Alice's phone with the bridge linked and connected, and Bob's phone. */
export async function aliceWithBridge(options: Parameters<typeof startWhatsapp>[0] = {}) {
  const wa = await startWhatsapp(options);
  const alice = await registerPhone(wa, "Alice");
  const bob = await registerPhone(wa, "Bob");
  const login = await linkBridge(wa, alice);
  const { session, sink } = connectBridge(wa, login);
  return { wa, alice, bob, login, session, sink };
}

export interface PhoneRecorder<K extends keyof WhatsappEvents> {
  items: WhatsappEvents[K][];
  waitFor(count: number, match?: (event: WhatsappEvents[K]) => boolean): Promise<WhatsappEvents[K][]>;
}

/** What a phone receives of one kind. */
export function recordPhone<K extends keyof WhatsappEvents>(phone: WhatsappClient, type: K): PhoneRecorder<K> {
  const items: WhatsappEvents[K][] = [];
  const waiters = new Set<() => void>();
  phone.events.on(type, (event) => {
    items.push(event);
    for (const wake of [...waiters]) wake();
  });
  return {
    items,
    waitFor(count, match = () => true) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const matching = items.filter(match);
          if (matching.length < count) return;
          cleanup();
          resolve(matching.slice(0, count));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`waited for ${count} '${String(type)}' events on the phone, got ${items.filter(match).length}`));
        }, 5000);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** The NetworkError code a promise rejected with. */
export async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return String((error as { code?: unknown }).code ?? (error as Error).message);
  }
  throw new Error("expected the call to fail, but it succeeded");
}
