/**
 * Set-up for the WhatsApp connector's tests: a real simulated WhatsApp network, phones
 * registered with the SMS flow (each a WhatsappClient acting as a person's phone), the bridge
 * linked through the connector's own login flow, and a sink that records what the connector
 * hands to the core.
 */
import { afterEach } from "@jest/globals";
import { createWhatsappConnector } from "../../../src/connectors/whatsapp/index.js";
import type { ConnectionState, ConnectorLogger, LoginStep, NetworkConnector, NetworkSession, NewLogin, RemoteEvent, RemoteEventSink } from "../../../src/network/index.js";
import type { WhatsappClient } from "../../../src/simnet/whatsapp/client/client.js";
import { phoneOf } from "../../../src/simnet/whatsapp/protocol.js";
import { errorCode, nextPhone, record, registerPhone, startWhatsapp as startNetwork, type Recorder, type WaTest } from "../../simnet/whatsapp/support.js";

export interface Wa extends WaTest {
  connector: NetworkConnector;
}

const sessions: NetworkSession[] = [];

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.stop().catch(() => {})));
});

/** The simulated network (phones come from the simnet tests' helpers) and a connector for it. */
export async function startWhatsapp(options: Parameters<typeof startNetwork>[0] = {}): Promise<Wa> {
  const wa = await startNetwork(options);
  return { ...wa, connector: createWhatsappConnector({ url: wa.net.url, backoff: { initialMs: 20, maxMs: 200 } }) };
}

export { errorCode, nextPhone, record as recordPhone, registerPhone, type Recorder as PhoneRecorder };

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
