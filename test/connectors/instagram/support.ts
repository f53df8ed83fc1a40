/**
 * Set-up for the Instagram connector's tests: the real simulated network (from the simnet tests'
 * harness), people as logged-in clients, the bridge logged in through the connector's own flow,
 * and the WhatsApp connector tests' RecordingSink for what the connector hands to the core.
 */
import { afterEach } from "@jest/globals";
import { createInstagramConnector } from "../../../src/connectors/instagram/index.js";
import type { NetworkConnector, NetworkSession, NewLogin } from "../../../src/network/index.js";
import type { NetworkDefinition } from "../../../src/simnet/core/network.js";
import { Harness, PASSWORD, testNetwork } from "../../simnet/instagram/harness.js";
import { RecordingSink } from "../support/recording-sink.js";

export { Harness, PASSWORD, RecordingSink, testNetwork };

const sessions: NetworkSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.stop().catch(() => {})));
});

/** Also records the sessions the connector asks the core to store. */
export class SessionRecordingSink extends RecordingSink {
  readonly sessions: Record<string, unknown>[] = [];

  override sessionChanged(session?: Record<string, unknown>): void {
    if (session) this.sessions.push(session);
  }
}

export function connectorFor(h: Harness): NetworkConnector {
  return createInstagramConnector({ url: h.url, backoff: { initialMs: 20, maxMs: 200 } });
}

export async function loginBridge(connector: NetworkConnector, username: string): Promise<NewLogin> {
  const flow = connector.login({ deviceName: "crosschat" });
  await flow.start();
  const step = await flow.submit({ username, password: PASSWORD });
  if (step.type !== "done") throw new Error(`expected the login to finish, got ${JSON.stringify(step)}`);
  return step.login;
}

export function connectBridge<S extends RecordingSink = RecordingSink>(connector: NetworkConnector, login: NewLogin, sink: S = new RecordingSink() as S): { session: NetworkSession; sink: S } {
  const session = connector.connect(login.session, sink, sink.logger);
  sessions.push(session);
  return { session, sink };
}

/** Alice with the bridge logged in (not started), Bob logged in, and their direct thread. */
export async function aliceWithBridge(definition?: NetworkDefinition) {
  const h = await Harness.start(definition);
  const { alice, bob, thread_id } = await h.pair();
  const connector = connectorFor(h);
  const login = await loginBridge(connector, "alice");
  const { session, sink } = connectBridge(connector, login);
  return { h, alice, bob, thread_id, connector, login, session, sink };
}
