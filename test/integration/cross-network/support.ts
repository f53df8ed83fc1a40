/**
 * The gateway's test set-up: the three simulated networks, each with crosschat registered as
 * its interoperability provider (through the admin token in config, as a self-hoster does), the
 * daemon against the test Synapse, and people on every network who turned third-party chats on.
 */
import type { MatrixClient, MatrixEvent } from "matrix-js-sdk";
import type { SimnetNetworkId } from "../../../src/simnet/core/network.js";
import { waitForEvent, waitForMembership, type TestUser } from "../../support/matrix-user.js";
import { simulatedNetwork, type Person, type SimulatedNetwork } from "../../support/people.js";
import type { ConfigInput, DeepPartial } from "../../support/test-config.js";
import { BRIDGE_WAIT_MS, command, matrixUser, openManagementRoom, startBridge, type RunningBridge } from "../support/bridge.js";

export type Networks = Record<SimnetNetworkId, SimulatedNetwork>;

export interface CrossNetwork {
  networks: Networks;
  bridge: RunningBridge;
}

/** All three networks and a bridge offering cross-network chat on each. */
export async function crossNetwork(overrides: DeepPartial<ConfigInput> = {}): Promise<CrossNetwork> {
  const networks: Networks = {
    whatsapp: await simulatedNetwork("whatsapp"),
    messenger: await simulatedNetwork("messenger"),
    instagram: await simulatedNetwork("instagram"),
  };
  const settings = (id: SimnetNetworkId) => ({
    ...overrides.networks?.[id],
    url: networks[id].net.url,
    cross_network: { enabled: true, admin_token: networks[id].net.adminToken, ...overrides.networks?.[id]?.cross_network },
  });
  const bridge = await startBridge({ ...overrides, networks: { whatsapp: settings("whatsapp"), messenger: settings("messenger"), instagram: settings("instagram") } });
  return { networks, bridge };
}

/** Someone on a network who turned third-party chats on (on WhatsApp, findable by number too). */
export async function optedIn(network: SimulatedNetwork, name: string): Promise<Person> {
  const person = await network.person(name);
  await person.agent.interop.setThirdPartyChats(true, { discoverableByPhone: true });
  return person;
}

/** The first message in `roomId` whose body matches, from `sender` if given. */
export function messageIn(client: MatrixClient, roomId: string, body: RegExp, sender?: string, what = `a message matching ${body}`): Promise<MatrixEvent> {
  return waitForEvent(
    client,
    (event) =>
      event.getRoomId() === roomId &&
      event.getType() === "m.room.message" &&
      (sender === undefined || event.getSender() === sender) &&
      body.test(String(event.getContent()["body"] ?? "")),
    BRIDGE_WAIT_MS,
    what,
  );
}

/** Polls until `find` returns something (a person's search, a network's stored state). */
export async function eventually<T>(find: () => Promise<T | undefined>, what: string, timeoutMs = BRIDGE_WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `start-chat` through the bot; resolves with the direct room, once the user is in it. */
export async function startChat(client: MatrixClient, managementRoom: string, bot: string, network: string, handle: string): Promise<string> {
  const answer = await command(client, managementRoom, bot, `start-chat ${network} ${handle}`, /chat with/);
  const roomId = /#\/(![^ )]+)/.exec(decodeURIComponent(String(answer.getContent()["body"])))?.[1] as string;
  await waitForMembership(client, roomId, client.getUserId() as string, "join", BRIDGE_WAIT_MS);
  return roomId;
}

/** The ghost that stands for someone a Matrix user reached with `start-chat` (from the direct room it opens). */
export async function ghostFor(client: MatrixClient, managementRoom: string, bot: string, network: string, handle: string): Promise<string> {
  const roomId = await startChat(client, managementRoom, bot, network, handle);
  const ghost = client.getRoom(roomId)?.getMembers().find((m) => m.userId.startsWith(`@${network}_`));
  if (!ghost) throw new Error(`no ${network} ghost in the direct chat`);
  return ghost.userId;
}

export interface FourPeople extends CrossNetwork {
  alice: TestUser;
  ana: Person;
  carol: Person;
  bob: Person;
  /** The group's Matrix room, made by Alice, with the three others' ghosts in it. */
  roomId: string;
  ghosts: { ana: string; carol: string; bob: string };
}

/** Ana on WhatsApp, Carol on Messenger, Bob on Instagram, and Alice on Matrix, who starts a group room with them. */
export async function fourPeople(overrides: DeepPartial<ConfigInput> = {}): Promise<FourPeople> {
  const setup = await crossNetwork(overrides);
  const { networks, bridge } = setup;
  const ana = await optedIn(networks.whatsapp, "Ana");
  const carol = await optedIn(networks.messenger, "Carol");
  const bob = await optedIn(networks.instagram, "Bob");
  const alice = await matrixUser("alice");
  const bot = bridge.app.botUserId;
  const management = await openManagementRoom(alice.client, bot);
  const ghosts = {
    ana: await ghostFor(alice.client, management, bot, "whatsapp", ana.handle),
    carol: await ghostFor(alice.client, management, bot, "messenger", carol.handle),
    bob: await ghostFor(alice.client, management, bot, "instagram", bob.handle),
  };
  const { room_id: roomId } = await alice.client.createRoom({ name: "Four networks", invite: Object.values(ghosts) });
  for (const ghost of Object.values(ghosts)) await waitForMembership(alice.client, roomId, ghost, "join", BRIDGE_WAIT_MS);
  return { ...setup, alice, ana, carol, bob, roomId, ghosts };
}
