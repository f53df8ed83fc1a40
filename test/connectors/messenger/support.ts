/**
 * Set-up for the Messenger connector's tests: a real simulated Messenger network (from the simnet
 * tests' harness), people as ordinary logged-in clients, the bridge logged in through the
 * connector's own login flow, and the WhatsApp tests' RecordingSink for what reaches the core.
 */
import { afterEach } from "@jest/globals";
import { createMessengerConnector } from "../../../src/connectors/messenger/index.js";
import type { NetworkConnector, NetworkSession, NewLogin } from "../../../src/network/index.js";
import type { MessengerClient } from "../../../src/simnet/messenger/client/index.js";
import { FAST_RETRY, useMessenger, type MessengerWorld, type TestUser } from "../../simnet/messenger/harness.js";
import { RecordingSink } from "../support/recording-sink.js";

export { RecordingSink };

/** Also records the session data the connector asks the core to store. */
export class SessionRecordingSink extends RecordingSink {
  readonly sessions: Record<string, unknown>[] = [];

  override sessionChanged(session?: Record<string, unknown>): void {
    if (session) this.sessions.push(session);
  }
}

const sessions: NetworkSession[] = [];

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.stop().catch(() => {})));
});

export interface Ms {
  world: MessengerWorld;
  connector: NetworkConnector;
}

export function useConnector(...args: Parameters<typeof useMessenger>): () => Promise<Ms> {
  const start = useMessenger(...args);
  return async () => {
    const world = await start();
    return { world, connector: createMessengerConnector({ url: world.url, backoff: { initialMs: 20, maxMs: 200 } }) };
  };
}

export async function loginBridge(ms: Ms, user: TestUser): Promise<NewLogin> {
  const flow = ms.connector.login({ deviceName: "crosschat" });
  await flow.start();
  let step = await flow.submit({ email: user.email, password: user.password });
  if (step.type === "input" && step.fields.some((f) => f.id === "code")) {
    const [pending] = await ms.world.admin.pendingCodes({ email: user.email });
    step = await flow.submit({ code: pending?.code ?? "" });
  }
  if (step.type !== "done") throw new Error(`expected the login to finish, got ${JSON.stringify(step)}`);
  return step.login;
}

export function connectBridge<S extends RecordingSink = RecordingSink>(ms: Ms, login: NewLogin, sink: S = new RecordingSink() as S): { session: NetworkSession; sink: S } {
  const session = ms.connector.connect(login.session, sink, sink.logger);
  sessions.push(session);
  return { session, sink };
}

/** Alice with the bridge logged in (not started), her own phone client, and Bob. */
export async function aliceWithBridge(ms: Ms): Promise<{ alice: TestUser; aliceApp: MessengerClient; bob: TestUser; bobApp: MessengerClient; login: NewLogin; session: NetworkSession; sink: RecordingSink }> {
  const alice = await ms.world.user("Alice Liddell");
  const bob = await ms.world.user("Bob Builder");
  const aliceApp = await ms.world.login(alice, FAST_RETRY, "phone");
  const bobApp = await ms.world.login(bob, FAST_RETRY, "phone");
  const login = await loginBridge(ms, alice);
  const { session, sink } = connectBridge(ms, login);
  return { alice, aliceApp, bob, bobApp, login, session, sink };
}
