/**
 * One daemon, one registration, one database, three networks: a Matrix user holds a login on
 * each, sees each network's chats as portals of their own, marked with the network, and what
 * they write in a portal reaches that network only. (A network turned off in the config changes
 * the registration, which the test Synapse shares; registration.test.ts and the bot's unit tests
 * cover that case.)
 */
import { describe, expect, it } from "@jest/globals";
import type { SimnetNetworkId } from "../../src/simnet/core/network.js";
import { waitForEvent } from "../support/matrix-user.js";
import { BRIDGE_WAIT_MS, command, matrixUser, openManagementRoom, startBridge, waitForPortal } from "./support/bridge.js";
import { loginThroughBot } from "./conformance/bridge-login.js";
import { simulatedNetwork, type Person, type SimulatedNetwork } from "../support/people.js";

const NETWORKS: SimnetNetworkId[] = ["whatsapp", "messenger", "instagram"];
const NAMES: Record<SimnetNetworkId, string> = { whatsapp: "WhatsApp", messenger: "Messenger", instagram: "Instagram" };

describe("All three networks in one daemon", () => {
  it("gives one Matrix user a login on each network and each network's chats as separate, marked portals", async () => {
    const networks = new Map<SimnetNetworkId, SimulatedNetwork>();
    for (const id of NETWORKS) networks.set(id, await simulatedNetwork(id));
    const bridge = await startBridge({
      networks: Object.fromEntries(NETWORKS.map((id) => [id, { url: networks.get(id)!.net.url, group_name_template: `{{name}} (${NAMES[id]})` }])),
    });
    const alice = await matrixUser("alice");
    const managementRoom = await openManagementRoom(alice.client, bridge.app.botUserId);
    const people = new Map<SimnetNetworkId, { me: Person; friend: Person }>();
    for (const id of NETWORKS) {
      const network = networks.get(id)!;
      const me = await network.person("Alice");
      await loginThroughBot(alice.client, managementRoom, bridge.app.botUserId, network, me);
      people.set(id, { me, friend: await network.person(`Friend on ${NAMES[id]}`) });
    }
    const list = String((await command(alice.client, managementRoom, bridge.app.botUserId, "list-logins", /Your logins/)).getContent()["body"]);
    for (const id of NETWORKS) expect(list).toMatch(new RegExp(`${NAMES[id]}: .*connected`));

    const rooms = new Map<SimnetNetworkId, string>();
    for (const id of NETWORKS) {
      const { me, friend } = people.get(id)!;
      const chat = await friend.agent.startDirectChat(me.handle);
      await friend.agent.send(chat.id, `hello from ${id}`);
      const roomId = await waitForPortal(alice.client, id, new RegExp(`^Friend on ${NAMES[id]} \\(${NAMES[id]}\\)$`));
      await waitForEvent(alice.client, (e) => e.getRoomId() === roomId && e.getContent()["body"] === `hello from ${id}`, BRIDGE_WAIT_MS, `the ${id} message`);
      rooms.set(id, roomId);
    }
    expect(new Set(rooms.values()).size).toBe(3);
    for (const [id, roomId] of rooms) {
      const bridged = alice.client.getRoom(roomId)?.currentState.getStateEvents("m.bridge").map((e) => (e.getContent()["protocol"] as { id: string }).id);
      expect(bridged).toEqual([id]);
    }

    for (const [id, roomId] of rooms) await alice.client.sendTextMessage(roomId, `reply on ${id}`);
    for (const id of NETWORKS) {
      const { friend } = people.get(id)!;
      await friend.waitFor((e) => e.kind === "message" && e.text === `reply on ${id}`, `Alice's reply on ${id}`);
    }
    // Each reply reached its own network and no other.
    for (const id of NETWORKS) {
      const received = people.get(id)!.friend.events.filter((e) => e.kind === "message" && e.text?.startsWith("reply on")).map((e) => e.text);
      expect(received).toEqual([`reply on ${id}`]);
    }
  }, 120_000);
});
