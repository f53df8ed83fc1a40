/**
 * A WhatsApp number never leaves WhatsApp: with traffic through every path of a cross-network
 * conversation, nothing Messenger, Instagram, the homeserver or the bridge stored holds it, nor
 * anything a Matrix user received.
 */
import { describe, expect, it } from "@jest/globals";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { rowsMentioning } from "../../support/database-scan.js";
import { waitForEvent, waitForMembership } from "../../support/matrix-user.js";
import { BRIDGE_WAIT_MS, command, matrixUser, openManagementRoom } from "../support/bridge.js";
import { simulatedNetwork } from "../../support/people.js";
import { aliceAndBob, bobWritesFirst } from "../conformance/bridge-login.js";
import { crossNetwork, eventually, optedIn } from "./support.js";

const PICTURE = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000" + "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201" + "e221bc330000000049454e44ae426082", "hex");

function findFile(dir: string, fileName: string): string | undefined {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      const found = findFile(path, fileName);
      if (found) return found;
    } else if (entry === fileName) return path;
  }
  return undefined;
}

/** The test Synapse's database: in its data folder, or where synapse-config-dir.txt there says (the chroot). */
function synapseDatabase(): string {
  const dataDir = join(process.env["CROSSCHAT_TEST_TMP"] as string, "synapse");
  const pointer = join(dataDir, "synapse-config-dir.txt");
  const hostDir = existsSync(pointer) ? readFileSync(pointer, "utf8").trim() : dataDir;
  const file = findFile(hostDir, "homeserver.db");
  if (!file) throw new Error(`no homeserver.db under ${hostDir}`);
  return file;
}

describe("a WhatsApp number across networks", () => {
  it("reaches no other network, no Matrix event, and nothing the homeserver or bridge stored, whatever path the traffic takes", async () => {
    const { networks, bridge } = await crossNetwork();
    const ana = await optedIn(networks.whatsapp, "Ana");
    const carol = await optedIn(networks.messenger, "Carol");
    const bob = await optedIn(networks.instagram, "Bob");
    const digits = ana.handle.replace(/\D/g, "");
    expect(digits.length).toBeGreaterThanOrEqual(8);
    // Also any formatting of it: the last eight digits cover "+1 555 0100 1234" and "5550101234" alike.
    const needles = [digits, digits.slice(-8)];

    // Alice turns cross-network chat on from Matrix; Ana finds her and Carol and Bob from WhatsApp and starts a group.
    const alice = await matrixUser("alice");
    const bot = bridge.app.botUserId;
    const management = await openManagementRoom(alice.client, bot);
    await command(alice.client, management, bot, "cross-network on", /Cross-network chat is on/);
    const search = async (query: string, network: string) =>
      eventually(async () => (await ana.agent.interop.searchThirdParty(query)).find((c) => c.network === network), `${query} on WhatsApp`);
    const [aliceThere, carolThere, bobThere] = [await search("alice", "matrix"), await search("carol", "messenger"), await search("bob", "instagram")];
    const group = await ana.agent.interop.startThirdPartyChat({
      kind: "group",
      title: "No numbers here",
      thirdParty: [aliceThere, carolThere, bobThere].map((c) => ({ provider: c.provider, id: c.id })),
    });
    const roomId = await new Promise<string>((resolve) => {
      const check = () => alice.client.getRooms().find((r) => r.name === "No numbers here")?.roomId;
      const timer = setInterval(() => {
        const found = check();
        if (found) {
          clearInterval(timer);
          resolve(found);
        }
      }, 100);
    });
    await waitForMembership(alice.client, roomId, alice.userId, "join", BRIDGE_WAIT_MS);

    // Every path: text, a picture, a reply, an edit, reactions, typing, a read, a delete, both ways.
    const first = await ana.agent.send(group.id, "hello from WhatsApp");
    await ana.agent.sendImage(group.id, PICTURE, "image/png");
    await ana.agent.typing(group.id, true);
    const atCarol = await carol.waitFor((e) => e.kind === "message" && e.text === "hello from WhatsApp", "Ana's hello at Carol");
    const atBob = await bob.waitFor((e) => e.kind === "message" && e.text === "hello from WhatsApp", "Ana's hello at Bob");
    await carol.agent.send(atCarol.chat as string, "hi Ana", { replyTo: atCarol.messageId as string });
    await carol.agent.react(atCarol.chat as string, atCarol.messageId as string, "❤️");
    await bob.agent.send(atBob.chat as string, "hey from Instagram");
    const helloOnMatrix = await waitForEvent(alice.client, (e) => e.getRoomId() === roomId && e.getContent()["body"] === "hello from WhatsApp", BRIDGE_WAIT_MS, "Ana's hello on Matrix");
    await alice.client.sendTextMessage(roomId, "hi from Matrix");
    await alice.client.sendReadReceipt(helloOnMatrix);
    await ana.agent.edit(group.id, first.id, "hello from WhatsApp!");
    const fromBob = await ana.waitFor((e) => e.kind === "message" && e.text === "hey from Instagram", "Bob's message at Ana");
    await ana.agent.react(group.id, fromBob.messageId as string, "👍");
    await ana.agent.markRead(group.id, fromBob.messageId as string);
    const toDelete = await ana.agent.send(group.id, "oops");
    await bob.waitFor((e) => e.kind === "message" && e.text === "oops", "the oops at Bob");
    await ana.agent.delete(group.id, toDelete.id);
    await bob.waitFor((e) => e.kind === "delete", "the delete at Bob");
    await carol.waitFor((e) => e.kind === "edit" && e.text === "hello from WhatsApp!", "Ana's edit at Carol");
    await bob.waitFor((e) => e.kind === "reaction" && e.text === "👍", "Ana's reaction at Bob");
    await ana.waitFor((e) => e.kind === "message" && e.text === "hi from Matrix", "Alice's message at Ana");
    // And a direct chat Ana starts with Carol from her app.
    const direct = await ana.agent.interop.startThirdPartyChat({ kind: "direct", thirdParty: [{ provider: carolThere.provider, id: carolThere.id }] });
    await ana.agent.send(direct.id, "just us");
    await carol.waitFor((e) => e.kind === "message" && e.text === "just us", "the direct message at Carol");

    // What the other networks, the homeserver and the bridge stored, and what Matrix users received.
    const synapseDb = synapseDatabase();
    const stores = {
      messenger: networks.messenger.net.databasePath,
      instagram: networks.instagram.net.databasePath,
      synapse: synapseDb,
      crosschat: bridge.config.database.path,
    };
    for (const [where, file] of Object.entries(stores)) {
      for (const needle of needles) expect({ where, needle, rows: rowsMentioning(file, needle) }).toEqual({ where, needle, rows: [] });
    }
    const received = alice.client.getRooms().flatMap((room) => [...room.getLiveTimeline().getEvents(), ...room.currentState.getStateEvents("m.room.member")].map((e) => JSON.stringify(e.event)));
    for (const needle of needles) expect(received.filter((json) => json.includes(needle))).toEqual([]);
    for (const person of [carol, bob]) {
      const seen = JSON.stringify(person.events.map((e) => ({ ...e, raw: e.raw })));
      for (const needle of needles) expect(seen.includes(needle)).toBe(false);
    }
    for (const needle of needles) expect(bridge.logs.filter((line) => line.includes(needle))).toEqual([]);
    // The scan would see the number were it there: WhatsApp itself has it, and the others hold
    // the conversation's words in the clear.
    expect(rowsMentioning(networks.whatsapp.net.databasePath, digits).length).toBeGreaterThan(0);
    for (const file of [stores.messenger, stores.instagram, stores.synapse]) expect(rowsMentioning(file, "hello from WhatsApp").length).toBeGreaterThan(0);
    // The bridge keeps no message once it is delivered: only which id is which.
    expect(rowsMentioning(stores.crosschat, "hello from WhatsApp")).toEqual([]);
  });

  it("keeps a portal's ghost, whose id is a phone number, out of cross-network conversations when it is invited into a room", async () => {
    const whatsapp = await simulatedNetwork("whatsapp");
    const scene = await aliceAndBob(whatsapp, { networks: { whatsapp: { cross_network: { enabled: true, admin_token: whatsapp.net.adminToken } } } });
    const { roomId: portal } = await bobWritesFirst(scene, "hi Alice");
    const bobGhost = scene.alice.client.getRoom(portal)?.getMembers().find((m) => m.userId.startsWith("@whatsapp_"))?.userId as string;
    const digits = scene.bob.handle.replace(/\D/g, "");
    expect(bobGhost).toContain(digits);

    const { room_id: roomId } = await scene.alice.client.createRoom({ name: "Not a conversation", invite: [bobGhost] });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(scene.alice.client.getRoom(roomId)?.getMember(bobGhost)?.membership).toBe("invite");
    const gatewayRows = rowsMentioning(scene.bridge.config.database.path, digits).filter((row) => row.startsWith("gateway_"));
    expect(gatewayRows).toEqual([]);
  });

  it("takes a number typed to start-chat as a lookup key only: not in the bot's answer, the conversation, the bridge's database or its logs", async () => {
    const { networks, bridge } = await crossNetwork({ logging: { level: "debug" } });
    const ana = await optedIn(networks.whatsapp, "Ana");
    const digits = ana.handle.replace(/\D/g, "");
    const alice = await matrixUser("alice");
    const bot = bridge.app.botUserId;
    const management = await openManagementRoom(alice.client, bot);
    const answer = await command(alice.client, management, bot, `start-chat whatsapp ${ana.handle}`, /chat with/);
    const roomId = /#\/(![^ )]+)/.exec(decodeURIComponent(String(answer.getContent()["body"])))?.[1] as string;
    await waitForMembership(alice.client, roomId, alice.userId, "join", BRIDGE_WAIT_MS);
    await alice.client.sendTextMessage(roomId, "hi Ana");
    const atAna = await ana.waitFor((e) => e.kind === "message" && e.text === "hi Ana", "Alice's message at Ana");
    await ana.agent.send(atAna.chat as string, "hi Alice");
    await waitForEvent(alice.client, (e) => e.getRoomId() === roomId && e.getContent()["body"] === "hi Alice", BRIDGE_WAIT_MS, "Ana's answer on Matrix");

    // Alice's own command holds the number she typed; nothing the bridge wrote does.
    const written = alice.client.getRooms().flatMap((room) => [...room.getLiveTimeline().getEvents(), ...room.currentState.getStateEvents("m.room.member")]).filter((e) => e.getSender() !== alice.userId);
    for (const needle of [digits, digits.slice(-8)]) {
      expect(written.map((e) => JSON.stringify(e.event)).filter((json) => json.includes(needle))).toEqual([]);
      expect(rowsMentioning(bridge.config.database.path, needle)).toEqual([]);
      expect(bridge.logs.filter((line) => line.includes(needle))).toEqual([]);
    }
  });

  it("keeps WhatsApp contacts' numbers off Matrix in portals too, unless the config allows them", async () => {
    const whatsapp = await simulatedNetwork("whatsapp");
    const scene = await aliceAndBob(whatsapp, { bridge: { phone_numbers_on_matrix: false } });
    const { roomId: portal, chat } = await bobWritesFirst(scene, "hi Alice");
    await scene.alice.client.sendTextMessage(portal, "hi Bob");
    await scene.bob.waitFor((e) => e.kind === "message" && e.text === "hi Bob", "Alice's answer at Bob");
    await scene.bob.agent.send(chat.id, "how are you?");
    await waitForEvent(scene.alice.client, (e) => e.getRoomId() === portal && e.getContent()["body"] === "how are you?", BRIDGE_WAIT_MS, "Bob's second message");
    const digits = scene.bob.handle.replace(/\D/g, "");
    const bobGhost = scene.alice.client.getRoom(portal)?.getMembers().find((m) => m.userId.startsWith("@whatsapp_"));
    expect(bobGhost?.userId).toMatch(/^@whatsapp_h[0-9a-f]{20}:/);
    expect(bobGhost?.name).toBe("Bob (WhatsApp)");
    for (const needle of [digits, digits.slice(-8)]) {
      const seen = scene.alice.client.getRooms().flatMap((room) => [...room.getLiveTimeline().getEvents(), ...room.currentState.getStateEvents("m.room.member")]);
      expect(seen.map((e) => JSON.stringify(e.event)).filter((json) => json.includes(needle))).toEqual([]);
      expect(rowsMentioning(synapseDatabase(), needle)).toEqual([]);
    }
  });
});
