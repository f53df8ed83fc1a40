/**
 * Shared set-up for the WhatsApp simulation's tests: a running network, accounts registered as
 * phones through the real SMS-code flow, companions linked through the real pairing flow, and
 * event recorders that let a test wait for what a device receives.
 */
import { afterEach } from "@jest/globals";
import type { NetworkDefinition } from "../../../src/simnet/core/network.js";
import { createWhatsappNetwork, type WhatsappOptions } from "../../../src/simnet/whatsapp/index.js";
import { WhatsappAdminClient } from "../../../src/simnet/whatsapp/client/admin.js";
import { WhatsappClient, type ClientOptions } from "../../../src/simnet/whatsapp/client/client.js";
import type { WhatsappEvents } from "../../../src/simnet/whatsapp/client/events.js";
import { requestPairingCode, requestSmsCode, verifySmsCode } from "../../../src/simnet/whatsapp/client/login.js";
import { phoneOf } from "../../../src/simnet/whatsapp/protocol.js";
import { startTestNetwork, type TestNetwork } from "../support/network.js";

export interface WaTest {
  net: TestNetwork;
  admin: WhatsappAdminClient;
  /** A mutable clock, when the test asked for one. */
  clock: { now: number };
}

const running: TestNetwork[] = [];
const clients: WhatsappClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.disconnect()));
  await Promise.all(running.splice(0).map((net) => net.stop()));
});

let phoneCounter = 0;
/** A fresh fictional number per call, unique within the test run. */
export function nextPhone(): string {
  phoneCounter += 1;
  return `1555${String(process.pid % 1000).padStart(3, "0")}${String(phoneCounter).padStart(4, "0")}`;
}

export async function startWhatsapp(options: WhatsappOptions & { fakeClock?: boolean; definition?: NetworkDefinition } = {}): Promise<WaTest> {
  const clock = { now: Date.now() };
  const definition = options.definition ?? createWhatsappNetwork({ ...options, rateLimits: { sendsPerMinute: 100_000, codeRequestsPerHour: 1000, ...options.rateLimits } });
  const net = await startTestNetwork(definition, options.fakeClock ? { now: () => clock.now } : {});
  running.push(net);
  return { net, admin: new WhatsappAdminClient(net.url, net.adminToken), clock };
}

export function track(client: WhatsappClient): WhatsappClient {
  clients.push(client);
  return client;
}

/** Registers a phone the way a person does: SMS code (read through the admin API), then verify. */
export async function registerPhone(wa: WaTest, name: string, options: ClientOptions & { phone?: string } = {}): Promise<WhatsappClient> {
  const phone = options.phone ?? nextPhone();
  await requestSmsCode(wa.net.url, phone);
  const codes = await wa.admin.codes(phone);
  const session = await verifySmsCode(wa.net.url, phone, codes.sms?.code ?? "", { pushName: name });
  return track(new WhatsappClient(session, options));
}

/** A network with two registered phones, the set-up most tests start from. */
export async function startAliceAndBob(options: Parameters<typeof startWhatsapp>[0] = {}): Promise<{ wa: WaTest; alice: WhatsappClient; bob: WhatsappClient }> {
  const wa = await startWhatsapp(options);
  return { wa, alice: await registerPhone(wa, "Alice"), bob: await registerPhone(wa, "Bob") };
}

/** A companion's pairing request for the number of `phone`. */
export function requestPairing(wa: WaTest, phone: WhatsappClient, deviceName: string) {
  return requestPairingCode(wa.net.url, phoneOf(phone.jid), deviceName);
}

/** Links a companion: pairing code requested, read by the phone's user, approved on the phone. */
export async function linkCompanion(wa: WaTest, phone: WhatsappClient, deviceName: string, options: ClientOptions = {}): Promise<WhatsappClient> {
  const pending = await requestPairing(wa, phone, deviceName);
  const waiting = pending.wait();
  await phone.approvePairing(pending.display);
  return track(new WhatsappClient(await waiting, options));
}

/** Things that arrive, and ways to wait for them. */
export interface Waitable<T> {
  items: T[];
  push(item: T): void;
  /** Resolves once `count` items matching `match` have arrived (already, or still to come). */
  waitForCount(count: number, match?: (item: T) => boolean, timeoutMs?: number): Promise<T[]>;
  /** Resolves with the first item that matches. */
  waitFor(match: (item: T) => boolean, timeoutMs?: number): Promise<T>;
}

export function waitable<T>(what: string): Waitable<T> {
  const items: T[] = [];
  const waiters = new Set<() => void>();
  const waitForCount = (count: number, match: (item: T) => boolean = () => true, timeoutMs = 5000) =>
    new Promise<T[]>((resolve, reject) => {
      const check = () => {
        const matching = items.filter(match);
        if (matching.length < count) return;
        cleanup();
        resolve(matching);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`waited for ${count} ${what}, got ${items.filter(match).length} of ${JSON.stringify(items).slice(0, 2000)}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return {
    items,
    push(item) {
      items.push(item);
      for (const wake of [...waiters]) wake();
    },
    waitForCount,
    waitFor: async (match, timeoutMs) => (await waitForCount(1, match, timeoutMs))[0] as T,
  };
}

export interface Recorder<K extends keyof WhatsappEvents> {
  items: WhatsappEvents[K][];
  /** Resolves once `count` events matching `match` have arrived. */
  waitFor(count: number, match?: (event: WhatsappEvents[K]) => boolean, timeoutMs?: number): Promise<WhatsappEvents[K][]>;
}

export function record<K extends keyof WhatsappEvents>(client: WhatsappClient, type: K): Recorder<K> {
  const log = waitable<WhatsappEvents[K]>(`'${String(type)}' events`);
  client.events.on(type, (event) => log.push(event));
  return { items: log.items, waitFor: log.waitForCount };
}

/** The code a promise rejected with (a SimnetRequestError's `code`). */
export async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return String((error as { code?: unknown }).code ?? (error as Error).message);
  }
  throw new Error("expected the call to fail, but it succeeded");
}
