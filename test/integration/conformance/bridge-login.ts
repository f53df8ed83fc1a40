/**
 * Logging a person's account in through the bot, on any network, the way a person would: read
 * each question the bot asks and answer it (the handle, the password, a code the network sent,
 * or approving a pairing code on the phone), until the bot says the login worked.
 */
import type { MatrixClient, MatrixEvent } from "matrix-js-sdk";
import { NETWORK_NAMES } from "../../../src/core/portals.js";
import { waitForEvent, type TestUser } from "../../support/matrix-user.js";
import type { Person, SimulatedNetwork } from "../../support/people.js";
import type { ConfigInput, DeepPartial } from "../../support/test-config.js";
import { BRIDGE_WAIT_MS, matrixUser, openManagementRoom, startBridge, waitForPortal, type RunningBridge } from "../support/bridge.js";

export async function loginThroughBot(client: MatrixClient, roomId: string, bot: string, network: SimulatedNetwork, person: Person): Promise<void> {
  const seen = new Set(client.getRoom(roomId)?.getLiveTimeline().getEvents().map((e) => e.getId()) ?? []);
  const nextFromBot = () =>
    waitForEvent(client, (e: MatrixEvent) => e.getRoomId() === roomId && e.getSender() === bot && !seen.has(e.getId()), BRIDGE_WAIT_MS, "the bot's next message").then((event) => {
      seen.add(event.getId());
      return String(event.getContent()["body"]);
    });
  await client.sendTextMessage(roomId, `login ${network.id}`);
  for (let turn = 0; turn < 12; turn++) {
    const said = await nextFromBot();
    if (/^Logged in to /.test(said)) return;
    if (/login failed/i.test(said)) throw new Error(`the bot says: ${said}`);
    const pairing = /pairing code: ([0-9A-Z]{4}-[0-9A-Z]{4})/.exec(said);
    if (pairing) {
      if (!person.agent.approveLink) throw new Error(`${network.id} shows a pairing code but its client cannot approve one`);
      await person.agent.approveLink(pairing[1] as string);
      continue;
    }
    const ask = /^Send (.+?)(?: \(the message is deleted|, or cancel)/m.exec(said);
    if (!ask) continue;
    const what = ask[1] as string;
    const answer = /password/i.test(what) ? person.password : /code/i.test(what) ? await network.pendingCode(person.handle) : person.handle;
    if (answer === undefined) throw new Error(`no answer for the bot's question: ${said}`);
    await client.sendTextMessage(roomId, answer);
  }
  throw new Error("the login did not finish within 12 exchanges with the bot");
}

export interface AliceAndBob {
  network: SimulatedNetwork;
  bridge: RunningBridge;
  alice: TestUser;
  /** Alice's own account on the network, logged in through the bot. */
  aliceRemote: Person;
  bob: Person;
  managementRoom: string;
}

/** The bridge on `network`, Alice on Matrix logged in through the bot to her account there, and Bob. */
export async function aliceAndBob(network: SimulatedNetwork, overrides: DeepPartial<ConfigInput> = {}): Promise<AliceAndBob> {
  const bridge = await startBridge({ ...overrides, networks: { ...overrides.networks, [network.id]: { ...overrides.networks?.[network.id], url: network.net.url } } });
  const alice = await matrixUser("alice");
  const aliceRemote = await network.person("Alice");
  const bob = await network.person("Bob");
  const managementRoom = await openManagementRoom(alice.client, bridge.app.botUserId);
  await loginThroughBot(alice.client, managementRoom, bridge.app.botUserId, network, aliceRemote);
  return { network, bridge, alice, aliceRemote, bob, managementRoom };
}

/** Bob writes to Alice first; resolves once the bridge made the direct portal and Alice joined it. */
export async function bobWritesFirst(s: AliceAndBob, text: string) {
  const chat = await s.bob.agent.startDirectChat(s.aliceRemote.handle);
  const first = await s.bob.agent.send(chat.id, text);
  const roomId = await waitForPortal(s.alice.client, s.network.id, new RegExp(`^Bob \\(${NETWORK_NAMES[s.network.id]}\\)$`));
  return { chat, first, roomId };
}
