/**
 * The conformance suite: the same scenarios, written once, run against every connector through
 * the real daemon, the real Synapse and the real simulated network. A network's own test file
 * calls `conformanceSuite("<network>")`; network-specific cases live beside the suite, in
 * test/integration/<network>/.
 */
import { describe, expect, it } from "@jest/globals";
import type { MatrixClient, MatrixEvent } from "matrix-js-sdk";
import type { SimnetNetworkId } from "../../../src/simnet/core/network.js";
import { waitForEvent, type TestUser } from "../../support/matrix-user.js";
import { BRIDGE_WAIT_MS, command, matrixUser, openManagementRoom, startBridge, timeline, waitForPortal, type RunningBridge } from "../support/bridge.js";
import { loginThroughBot } from "./bridge-login.js";
import { simulatedNetwork, type Person, type SimulatedNetwork } from "./people.js";

const NAMES: Record<SimnetNetworkId, string> = { whatsapp: "WhatsApp", messenger: "Messenger", instagram: "Instagram" };

interface Scene {
  network: SimulatedNetwork;
  bridge: RunningBridge;
  alice: TestUser;
  /** Alice's own account on the network, logged in through the bot. */
  aliceRemote: Person;
  bob: Person;
  managementRoom: string;
}

async function scene(id: SimnetNetworkId): Promise<Scene> {
  const network = await simulatedNetwork(id);
  const bridge = await startBridge({ networks: { [id]: { url: network.net.url } } });
  const alice = await matrixUser("alice");
  const aliceRemote = await network.person("Alice");
  const bob = await network.person("Bob");
  const managementRoom = await openManagementRoom(alice.client, bridge.app.botUserId);
  await loginThroughBot(alice.client, managementRoom, bridge.app.botUserId, network, aliceRemote);
  return { network, bridge, alice, aliceRemote, bob, managementRoom };
}

function messageIn(client: MatrixClient, roomId: string, body: string): Promise<MatrixEvent> {
  return waitForEvent(client, (e) => e.getRoomId() === roomId && e.getType() === "m.room.message" && e.getContent()["body"] === body, BRIDGE_WAIT_MS, `the message "${body}"`);
}

/** Bob writes to Alice first; the bridge makes the portal. */
async function directChat(s: Scene) {
  const chat = await s.bob.agent.startDirectChat(s.aliceRemote.handle);
  const first = await s.bob.agent.send(chat.id, "hello Alice");
  const roomId = await waitForPortal(s.alice.client, s.network.id, new RegExp(`^Bob \\(${NAMES[s.network.id]}\\)$`));
  const firstEvent = await messageIn(s.alice.client, roomId, "hello Alice");
  return { chat, first, roomId, firstEvent };
}

const texts = (person: Person) => person.events.filter((e) => e.kind === "message" && e.sender !== person.id).map((e) => e.text);

export function conformanceSuite(id: SimnetNetworkId): void {
  const name = NAMES[id];

  describe(`${name} conformance`, () => {
    it("logs in through the bot and lists the login as connected", async () => {
      const s = await scene(id);
      const list = await command(s.alice.client, s.managementRoom, s.bridge.app.botUserId, "list-logins", /Your logins/);
      expect(String(list.getContent()["body"])).toContain(`${name}: `);
      expect(String(list.getContent()["body"])).toContain("connected");
    });

    it("makes a direct portal when a contact writes, and bridges text both ways", async () => {
      const s = await scene(id);
      const { roomId, firstEvent } = await directChat(s);
      expect(firstEvent.getSender()).toMatch(new RegExp(`^@${id}_`));
      await s.alice.client.sendTextMessage(roomId, "hi Bob");
      await s.bob.waitFor((e) => e.kind === "message" && e.text === "hi Bob", "Alice's message");
    });

    it("bridges replies both ways", async () => {
      const s = await scene(id);
      const { chat, first, roomId, firstEvent } = await directChat(s);
      await s.bob.agent.send(chat.id, "a reply", { replyTo: first.id });
      const reply = await messageIn(s.alice.client, roomId, "a reply");
      expect((reply.getContent()["m.relates_to"] as { "m.in_reply_to"?: { event_id?: string } })?.["m.in_reply_to"]?.event_id).toBe(firstEvent.getId());
      await s.alice.client.sendMessage(roomId, { msgtype: "m.text", body: "answering", "m.relates_to": { "m.in_reply_to": { event_id: firstEvent.getId() as string } } } as never);
      await s.bob.waitFor((e) => e.kind === "message" && e.text === "answering", "Alice's reply");
      const history = await s.bob.agent.history(chat.id, 10);
      expect(history.find((m) => m.text === "answering")?.replyTo).toBe(first.id);
    });

    it("bridges edits inside the window both ways", async () => {
      const s = await scene(id);
      const { chat, first, roomId, firstEvent } = await directChat(s);
      await s.bob.agent.edit(chat.id, first.id, "hello again, Alice");
      const edit = await waitForEvent(s.alice.client, (e) => e.getRoomId() === roomId && (e.getContent()["m.relates_to"] as { rel_type?: string } | undefined)?.rel_type === "m.replace", BRIDGE_WAIT_MS, "the edit");
      expect((edit.getContent()["m.relates_to"] as { event_id?: string }).event_id).toBe(firstEvent.getId());
      const { event_id: mine } = await s.alice.client.sendTextMessage(roomId, "typo");
      await s.bob.waitFor((e) => e.kind === "message" && e.text === "typo", "Alice's message");
      await s.alice.client.sendMessage(roomId, { msgtype: "m.text", body: "* fixed", "m.new_content": { msgtype: "m.text", body: "fixed" }, "m.relates_to": { rel_type: "m.replace", event_id: mine } } as never);
      await s.bob.waitFor((e) => e.kind === "edit" && e.text === "fixed", "Alice's edit");
    });

    it("keeps one reaction per person: a second Matrix reaction replaces the first", async () => {
      const s = await scene(id);
      const { roomId, firstEvent } = await directChat(s);
      const react = (key: string) => s.alice.client.sendEvent(roomId, "m.reaction" as never, { "m.relates_to": { rel_type: "m.annotation", event_id: firstEvent.getId(), key } } as never);
      const first = await react("👍");
      await s.bob.waitFor((e) => e.kind === "reaction" && e.text === "👍", "the first reaction");
      await react("😂");
      await s.bob.waitFor((e) => e.kind === "reaction" && e.text === "😂", "the replacing reaction");
      await waitForEvent(s.alice.client, (e) => e.getType() === "m.room.redaction" && e.event.redacts === first.event_id, BRIDGE_WAIT_MS, "the replaced reaction's redaction");
    });

    it("bridges deletes both ways", async () => {
      const s = await scene(id);
      const { chat, first, roomId, firstEvent } = await directChat(s);
      await s.bob.agent.delete(chat.id, first.id);
      await waitForEvent(s.alice.client, (e) => e.getType() === "m.room.redaction" && e.event.redacts === firstEvent.getId(), BRIDGE_WAIT_MS, "the delete");
      const { event_id: mine } = await s.alice.client.sendTextMessage(roomId, "regret");
      const sent = await s.bob.waitFor((e) => e.kind === "message" && e.text === "regret", "Alice's message");
      await s.alice.client.redactEvent(roomId, mine);
      await s.bob.waitFor((e) => e.kind === "delete" && (e.messageId === undefined || e.messageId === sent.messageId), "the delete");
    });

    it("loses nothing and doubles nothing across a bridge restart", async () => {
      const s = await scene(id);
      const { chat, roomId } = await directChat(s);
      await s.bridge.app.stop();
      const expected = ["while down 1", "while down 2", "while down 3", "while down 4", "while down 5"];
      for (const text of expected) await s.bob.agent.send(chat.id, text);
      await s.bridge.restart();
      await messageIn(s.alice.client, roomId, "while down 5");
      await s.bob.agent.send(chat.id, "marker");
      await messageIn(s.alice.client, roomId, "marker");
      expect(timeline(s.alice.client, roomId).map((e) => e.getContent()["body"]).filter((b) => String(b).startsWith("while down"))).toEqual(expected);
    });

    it("reconnects after the network drops its connections and loses nothing", async () => {
      const s = await scene(id);
      const { chat, roomId } = await directChat(s);
      await s.network.dropConnections();
      await s.bob.agent.send(chat.id, "after the drop");
      await messageIn(s.alice.client, roomId, "after the drop");
      await s.alice.client.sendTextMessage(roomId, "me too");
      await s.bob.waitFor((e) => e.kind === "message" && e.text === "me too", "Alice's message after the drop");
      expect(texts(s.bob).filter((t) => t === "me too")).toHaveLength(1);
    });
  });
}
