/**
 * Set-up for the tests of WhatsApp's third-party chats: a network with a registered provider
 * (through the kit, as crosschat registers), people who turned third-party chats on, and a log
 * of what the provider receives that a test can wait on.
 */
import { afterEach } from "@jest/globals";
import type { AgentEvent, UserAgent } from "../../../src/simnet/client/agent.js";
import type { InteropEvent } from "../../../src/simnet/client/interop.js";
import type { WhatsappClient } from "../../../src/simnet/whatsapp/client/client.js";
import { whatsappInteropKit, WhatsappInteropProvider, type WhatsappInteropCredentials } from "../../../src/simnet/whatsapp/client/interop.js";
import type { IdentityInfo } from "../../../src/simnet/whatsapp/interop-protocol.js";
import { registerPhone, startWhatsapp, waitable, type WaTest, type Waitable } from "./support.js";

const providers: WhatsappInteropProvider[] = [];

afterEach(async () => {
  await Promise.all(providers.splice(0).map((provider) => provider.close()));
});

export interface EventLog {
  events: InteropEvent[];
  handler(event: InteropEvent): Promise<void>;
  /** Resolves with the first event of `type` (from now or already logged) that matches. */
  waitFor<T extends InteropEvent["type"]>(type: T, match?: (event: Extract<InteropEvent, { type: T }>) => boolean, timeoutMs?: number): Promise<Extract<InteropEvent, { type: T }>>;
}

export function eventLog(): EventLog {
  const log = waitable<InteropEvent>("provider event");
  return {
    events: log.items,
    handler: async (event) => log.push(event),
    waitFor: <T extends InteropEvent["type"]>(type: T, match: (event: Extract<InteropEvent, { type: T }>) => boolean = () => true, timeoutMs?: number) =>
      log.waitFor((e) => e.type === type && match(e as Extract<InteropEvent, { type: T }>), timeoutMs) as Promise<Extract<InteropEvent, { type: T }>>,
  };
}

/** What a person's app shows, through the common facade. */
export async function listening(agent: UserAgent): Promise<Waitable<AgentEvent>> {
  const seen = waitable<AgentEvent>("app event");
  await agent.listen((event) => seen.push(event));
  return seen;
}

export async function connectProvider(wa: WaTest, credentials: WhatsappInteropCredentials): Promise<WhatsappInteropProvider> {
  const provider = (await whatsappInteropKit.connect(wa.net.url, credentials)) as WhatsappInteropProvider;
  providers.push(provider);
  return provider;
}

export interface InteropTest {
  wa: WaTest;
  credentials: WhatsappInteropCredentials;
  provider: WhatsappInteropProvider;
  log: EventLog;
}

/** A network, a registered provider (connected) and its event log (listening, unless `listen` is false). */
export async function startInterop(options: Parameters<typeof startWhatsapp>[0] = {}, { listen = true } = {}): Promise<InteropTest> {
  const wa = await startWhatsapp(options);
  const credentials = (await whatsappInteropKit.registerProvider(wa.net.url, wa.net.adminToken, "crosschat")) as WhatsappInteropCredentials;
  const provider = await connectProvider(wa, credentials);
  const log = eventLog();
  if (listen) await provider.listen(log.handler);
  return { wa, credentials, provider, log };
}

/** A registered phone whose owner turned third-party chats on (and, if asked, discovery by number). */
export async function optedIn(wa: WaTest, name: string, options: { discoverable?: boolean } = {}): Promise<WhatsappClient> {
  const client = await registerPhone(wa, name);
  await client.api.setSettings({ third_party_chats: true, discoverable_by_phone: options.discoverable === true });
  return client;
}

/** Publishes an identity the way tests need one; the answer has the JID the app knows it by. */
export function publish(provider: WhatsappInteropProvider, id: string, name: string, network: "messenger" | "instagram" | "matrix" = "messenger"): Promise<IdentityInfo> {
  return provider.api.publishIdentity(id, { name, network, handle: `${id}.${network}` });
}

/** A user's interop id as the provider learns it: through a lookup by the user's number. */
export async function interopIdOf(provider: WhatsappInteropProvider, client: WhatsappClient): Promise<string> {
  const user = await provider.lookup(`+${client.jid.split("@")[0]}`);
  if (!user) throw new Error(`${client.jid} cannot be looked up: not opted in or not discoverable`);
  return user.id;
}
