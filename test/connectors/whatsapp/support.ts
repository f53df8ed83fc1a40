/**
 * Set-up for the WhatsApp connector's tests: a real simulated WhatsApp network, phones
 * registered with the SMS flow (each a WhatsappClient acting as a person's phone), the bridge
 * linked through the connector's own login flow, and a sink that records what the connector
 * hands to the core.
 */
import { afterEach } from "@jest/globals";
import { createWhatsappConnector } from "../../../src/connectors/whatsapp/index.js";
import type { LoginStep, NetworkConnector, NetworkSession, NewLogin } from "../../../src/network/index.js";
import type { WhatsappClient } from "../../../src/simnet/whatsapp/client/client.js";
import { phoneOf } from "../../../src/simnet/whatsapp/protocol.js";
import { RecordingSink } from "../support/recording-sink.js";
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
export { RecordingSink, type LogEntry } from "../support/recording-sink.js";

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
