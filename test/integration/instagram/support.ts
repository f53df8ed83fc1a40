/**
 * An Instagram bridging scene: the simulated Instagram server (with its admin API and a clock
 * the test can move), the real daemon against the test Synapse, Alice on Matrix who logs her
 * Instagram account in through the bot, and Bob on the Instagram app, whose realtime stream is
 * recorded. The full Instagram client library is at hand for what the common facade lacks
 * (shares, story replies, voice, renames).
 */
import Database from "better-sqlite3";
import { Direction, type IRoomEvent, type MatrixClient, type MatrixEvent } from "matrix-js-sdk";
import type { InstagramClient } from "../../../src/simnet/instagram/client/client.js";
import type { InstagramNetworkOptions } from "../../../src/simnet/instagram/index.js";
import { waitForEvent, type TestUser } from "../../support/matrix-user.js";
import type { ConfigInput, DeepPartial } from "../../support/test-config.js";
import { Harness, PASSWORD, testNetwork, type Collector } from "../../simnet/instagram/harness.js";
import { BRIDGE_WAIT_MS, isNoticeFrom, matrixUser, openManagementRoom, startBridge, waitForPortal, type RunningBridge } from "../support/bridge.js";

export { PASSWORD };

export interface InstagramScene {
  ig: Harness;
  bridge: RunningBridge;
  bot: string;
  alice: TestUser;
  /** Alice's Instagram pk: the account the bridge logs in to. */
  alicePk: string;
  managementRoom: string;
}

export interface SceneOptions {
  network?: InstagramNetworkOptions;
  config?: DeepPartial<ConfigInput>;
}

/** The simulated Instagram, the daemon and Alice with her management room; not logged in yet. */
export async function instagramScene(options: SceneOptions = {}): Promise<InstagramScene> {
  const ig = await Harness.start(testNetwork(options.network));
  const config = options.config ?? {};
  const bridge = await startBridge({ ...config, networks: { ...config.networks, instagram: { ...config.networks?.instagram, url: ig.url } } });
  const alice = await matrixUser("alice");
  const account = await ig.account("alice", { fullName: "Alice Liddell" });
  const bot = bridge.app.botUserId;
  const managementRoom = await openManagementRoom(alice.client, bot);
  return { ig, bridge, bot, alice, alicePk: account.pk, managementRoom };
}

/** What Alice sent to the bot, and a wait for the bot's answers that came after it. */
export interface Said {
  eventId: string;
  answer(pattern: RegExp): Promise<MatrixEvent>;
}

export async function say(scene: InstagramScene, text: string): Promise<Said> {
  const { client } = scene.alice;
  const earlier = new Set(client.getRoom(scene.managementRoom)?.getLiveTimeline().getEvents().map((e) => e.getId()) ?? []);
  const { event_id: eventId } = await client.sendTextMessage(scene.managementRoom, text);
  return {
    eventId,
    answer: (pattern) =>
      waitForEvent(client, (e) => isNoticeFrom(scene.bot, scene.managementRoom, pattern)(e) && !earlier.has(e.getId()), BRIDGE_WAIT_MS, `the bot's answer to '${text}' matching ${pattern}`),
  };
}

/** Logs Alice's account in through the bot: username, then password (no checkpoint expected). */
export async function logIn(scene: InstagramScene): Promise<void> {
  await (await say(scene, "login instagram")).answer(/^Send your Instagram username/);
  await (await say(scene, "alice")).answer(/^Send your Instagram password/);
  await (await say(scene, PASSWORD)).answer(/^Logged in to Instagram as Alice Liddell/);
}

/** A scene with Alice logged in. */
export async function loggedInScene(options: SceneOptions = {}): Promise<InstagramScene> {
  const scene = await instagramScene(options);
  await logIn(scene);
  return scene;
}

/** Someone on the Instagram app, logged in and listening. */
export interface AppUser {
  client: InstagramClient;
  events: Collector;
}

export async function appUser(ig: Harness, username: string, fullName = username): Promise<AppUser> {
  await ig.account(username, { fullName });
  const client = await ig.login(username);
  return { client, events: await ig.listen(client) };
}

/** Bob writes to Alice first; the bridge makes the portal, named after Bob's ghost. */
export async function directChat(scene: InstagramScene, bob: AppUser, name: string, firstText = "hello Alice") {
  const threadId = (await bob.client.directThread({ userId: scene.alicePk })).thread_id;
  const first = await bob.client.sendText(threadId, firstText);
  const roomId = await waitForPortal(scene.alice.client, "instagram", new RegExp(`^${escapeRegExp(name)} \\(Instagram\\)$`));
  const firstEvent = await messageIn(scene.alice.client, roomId, new RegExp(`^${escapeRegExp(firstText)}$`));
  return { threadId, first, roomId, firstEvent };
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The next m.room.message in `roomId` whose body matches. */
export function messageIn(client: MatrixClient, roomId: string, body: RegExp): Promise<MatrixEvent> {
  return waitForEvent(client, (e) => e.getRoomId() === roomId && e.getType() === "m.room.message" && body.test(String(e.getContent()["body"])), BRIDGE_WAIT_MS, `a message matching ${body}`);
}

export function ghostOf(scene: InstagramScene, pk: string): string {
  return `@instagram_${pk}:${scene.bridge.config.homeserver.domain}`;
}

/**
 * Every m.room.message of the room, oldest first, read from the homeserver (/messages), not
 * from the client's timeline, which holds only what arrived since it joined.
 */
export async function roomMessages(client: MatrixClient, roomId: string): Promise<IRoomEvent[]> {
  const events: IRoomEvent[] = [];
  let from: string | null = null;
  for (;;) {
    const page = await client.createMessagesRequest(roomId, from, 100, Direction.Backward);
    events.push(...page.chunk.filter((event) => event.type === "m.room.message"));
    if (!page.end || page.chunk.length === 0) return events.reverse();
    from = page.end;
  }
}

/** The bytes of an mxc:// URI, through the homeserver's authenticated media API. */
export async function downloadMxc(client: MatrixClient, mxc: string): Promise<Buffer> {
  const url = client.mxcUrlToHttp(mxc, undefined, undefined, undefined, false, true, true);
  const response = await fetch(url as string, { headers: { authorization: `Bearer ${client.getAccessToken()}` } });
  if (!response.ok) throw new Error(`downloading ${mxc} answered ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/** Rows of the daemon's own database, read (read-only) while it runs. */
export function bridgeRows<T>(scene: InstagramScene, sql: string, ...params: unknown[]): T[] {
  const db = new Database(scene.bridge.config.database.path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}
