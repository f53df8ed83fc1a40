/**
 * A Messenger bridging scene: the simulated Messenger server (with a clock a test can move),
 * the real daemon against the test Synapse, Alice on Matrix who logs her Messenger account in
 * through the bot, and people on Messenger using its full client library (stickers, mentions,
 * watermarks, group threads: more than the common people facade offers).
 */
import type { MatrixClient, MatrixEvent } from "matrix-js-sdk";
import type { NetworkDefinition } from "../../../src/simnet/core/network.js";
import type { MessengerClient } from "../../../src/simnet/messenger/client/index.js";
import { createMessengerNetwork } from "../../../src/simnet/messenger/index.js";
import { waitForEvent, type TestUser as MatrixTestUser } from "../../support/matrix-user.js";
import { DeltaCollector, FAST_RETRY, TestClock, useMessenger, type MessengerWorld, type TestUser as MessengerAccount } from "../../simnet/messenger/harness.js";
import { BRIDGE_WAIT_MS, isNoticeFrom, matrixUser, openManagementRoom, startBridge, waitForPortal, type RunningBridge } from "../support/bridge.js";

/** Per-account send limits out of the way: the tests send bursts on purpose. */
export const UNLIMITED_MESSENGER = createMessengerNetwork({ rateLimits: { sendsPerMinute: 100_000 } });

export interface Person {
  account: MessengerAccount;
  /** The person's own Messenger app. */
  client: MessengerClient;
  /** Every delta the person's app received. */
  deltas: DeltaCollector;
  id: string;
}

export interface MessengerScene {
  world: MessengerWorld;
  clock: TestClock;
  bridge: RunningBridge;
  bot: string;
  alice: MatrixTestUser;
  managementRoom: string;
  /** Alice's Messenger account, and her phone logged in to it. */
  aliceRemote: Person;
}

/** A person logged in to Messenger on their own device, listening to their deltas. */
async function online(world: MessengerWorld, account: MessengerAccount): Promise<Person> {
  const client = await world.login(account, FAST_RETRY);
  const deltas = new DeltaCollector(client.realtime());
  await client.realtime().start();
  return { account, client, deltas, id: account.account.id };
}

export async function person(scene: MessengerScene, name: string): Promise<Person> {
  return online(scene.world, await scene.world.user(name));
}

/**
 * Sends `text` to the bot and waits for the bot's next notice matching `expected`; returns the
 * id of the message sent too, since a test may check what became of it (a redacted secret).
 */
export async function answerBot(scene: Pick<MessengerScene, "alice" | "managementRoom" | "bot">, text: string, expected: RegExp): Promise<{ sent: string; reply: MatrixEvent }> {
  const { client } = scene.alice;
  const earlier = new Set(client.getRoom(scene.managementRoom)?.getLiveTimeline().getEvents().map((e) => e.getId()) ?? []);
  const reply = waitForEvent(
    client,
    (e) => isNoticeFrom(scene.bot, scene.managementRoom, expected)(e) && !earlier.has(e.getId()),
    BRIDGE_WAIT_MS,
    `the bot's answer to '${text}' matching ${expected}`,
  );
  const { event_id: sent } = await client.sendTextMessage(scene.managementRoom, text);
  return { sent, reply: await reply };
}

export async function pendingCode(world: MessengerWorld, account: MessengerAccount): Promise<string> {
  const [pending] = await world.admin.pendingCodes({ email: account.email });
  if (!pending) throw new Error(`no login code is waiting for ${account.email}`);
  return pending.code;
}

/** Logs the account in through the bot the way a person answers its questions. */
export async function loginThroughBot(scene: Pick<MessengerScene, "world" | "alice" | "managementRoom" | "bot">, account: MessengerAccount): Promise<void> {
  await answerBot(scene, "login messenger", /^Send the email address/m);
  await answerBot(scene, account.email, /^Send your Messenger password/);
  const { reply } = await answerBot(scene, account.password, /^Logged in to Messenger|^Send the 6-digit login code/m);
  if (/^Logged in/.test(String(reply.getContent()["body"]))) return;
  await answerBot(scene, await pendingCode(scene.world, account), /^Logged in to Messenger/);
}

export interface SceneOptions {
  /** Alice's account has two-factor authentication on. */
  twoFactor?: boolean;
  /** False: Alice is not logged in through the bot yet. */
  login?: boolean;
}

/**
 * Starts a scene per test of the file, on `definition` (a Messenger network with the test's
 * limits); call at the top of a test file, since it registers the clean-up after each test.
 */
export function useMessengerScene(definition: NetworkDefinition = UNLIMITED_MESSENGER): (options?: SceneOptions) => Promise<MessengerScene> {
  const clock = new TestClock();
  const startWorld = useMessenger(definition, { now: clock.now });
  return async (options = {}) => {
    clock.offsetMs = 0;
    const world = await startWorld();
    const bridge = await startBridge({ networks: { messenger: { url: world.url } } });
    const alice = await matrixUser("alice");
    const bot = bridge.app.botUserId;
    const managementRoom = await openManagementRoom(alice.client, bot);
    const aliceRemote = await online(world, await world.user("Alice", { twoFactor: options.twoFactor ?? false }));
    const scene = { world, clock, bridge, bot, alice, managementRoom, aliceRemote };
    if (options.login !== false) await loginThroughBot(scene, aliceRemote.account);
    return scene;
  };
}

export function ghostOf(scene: MessengerScene, accountId: string): string {
  return `@messenger_${accountId}:${scene.bridge.config.homeserver.domain}`;
}

/** The next m.room.message in `roomId` whose body matches (from `sender`, if given). */
export function messageIn(client: MatrixClient, roomId: string, body: RegExp | string, sender?: string): Promise<MatrixEvent> {
  const matches = (text: string) => (typeof body === "string" ? text === body : body.test(text));
  return waitForEvent(
    client,
    (e) => e.getRoomId() === roomId && e.getType() === "m.room.message" && (!sender || e.getSender() === sender) && matches(String(e.getContent()["body"])),
    BRIDGE_WAIT_MS,
    `a message matching ${String(body)}`,
  );
}

/** Bob writes to Alice first; the bridge makes the portal, which has his message. */
export async function directChat(scene: MessengerScene, bob: Person, firstText = "hello Alice"): Promise<{ roomId: string; first: MatrixEvent; firstId: string }> {
  const sent = await bob.client.api.send(scene.aliceRemote.id, { text: firstText });
  const roomId = await waitForPortal(scene.alice.client, "messenger", new RegExp(`^${bob.account.account.name} \\(Messenger\\)$`));
  const first = await messageIn(scene.alice.client, roomId, firstText);
  return { roomId, first, firstId: sent.message_id };
}

/** Waits until `check` gives a value (polling what only the network's REST API shows). */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = BRIDGE_WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
