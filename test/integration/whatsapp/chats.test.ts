/**
 * How chats become portals: existing chats at login, `start-chat`, backfill of a new portal,
 * what the user sends from their phone, and relaying for Matrix users without a login.
 */
import { describe, expect, it } from "@jest/globals";
import { phoneOf } from "../../../src/simnet/whatsapp/protocol.js";
import { waitForEvent, waitForMembership } from "../../support/matrix-user.js";
import { BRIDGE_WAIT_MS, command, isNoticeFrom, matrixUser, openManagementRoom, startBridge, timeline, waitForPortal } from "../support/bridge.js";
import { contact, directPortal, ghostOf, linkThroughBot, messageIn, whatsappScene } from "./support.js";
import { nextPhone, registerPhone, startWhatsapp } from "../../simnet/whatsapp/support.js";

describe("portals for chats", () => {
  it("brings in the chats the phone already has when the user logs in", async () => {
    const wa = await startWhatsapp();
    const alicePhone = await registerPhone(wa, "Alice");
    const bob = await contact(wa, "Bob");
    await bob.phone.sendText(alicePhone.jid, "before the bridge");
    const bridge = await startBridge({ networks: { whatsapp: { url: wa.net.url } } });
    const alice = await matrixUser("alice");
    const managementRoom = await openManagementRoom(alice.client, bridge.app.botUserId);
    await linkThroughBot(alice.client, managementRoom, bridge.app.botUserId, alicePhone);
    const roomId = await waitForPortal(alice.client, "whatsapp", /^Bob \(WhatsApp\)$/);
    // The ghost joins right after the room is made; Alice's client may see her own join first.
    await waitForMembership(alice.client, roomId, `@whatsapp_${phoneOf(bob.phone.jid)}:localhost`, "join", BRIDGE_WAIT_MS);
  });

  it("opens a direct chat with start-chat and the phone number, and bridges into it", async () => {
    const scene = await whatsappScene();
    const carol = await contact(scene.wa, "Carol");
    const reply = await command(scene.alice.client, scene.managementRoom, scene.bot, `start-chat whatsapp +${phoneOf(carol.phone.jid)}`, /your chat with Carol/);
    expect(String(reply.getContent()["body"])).toMatch(/^Created your chat with Carol: https:\/\/matrix\.to\/#\//);
    const roomId = await waitForPortal(scene.alice.client, "whatsapp", /^Carol \(WhatsApp\)$/);
    await scene.alice.client.sendTextMessage(roomId, "hey Carol");
    await carol.messages.waitFor(1, (m) => m.content.type === "text" && m.content.text === "hey Carol", BRIDGE_WAIT_MS);
    const again = await command(scene.alice.client, scene.managementRoom, scene.bot, `start-chat whatsapp +${phoneOf(carol.phone.jid)}`, /your chat with Carol/);
    expect(String(again.getContent()["body"])).toContain(`Found your chat with Carol: https://matrix.to/#/${encodeURIComponent(roomId)}`);
    await command(scene.alice.client, scene.managementRoom, scene.bot, "start-chat whatsapp +15550000000", /is not on WhatsApp/);
  });

  it("brings a contact's new WhatsApp name to their ghost on sync", async () => {
    const scene = await whatsappScene();
    const bob = await contact(scene.wa, "Bob");
    await bob.phone.sendText(scene.alicePhone.jid, "hi");
    const roomId = await directPortal(scene, "Bob");
    await bob.phone.api.setProfile({ push_name: "Robert" });
    await command(scene.alice.client, scene.managementRoom, scene.bot, "sync", /chats, \d+ new rooms/);
    const ghost = ghostOf(scene, bob.phone);
    const deadline = Date.now() + BRIDGE_WAIT_MS;
    while (scene.alice.client.getRoom(roomId)?.getMember(ghost)?.name !== "Robert (WhatsApp)") {
      if (Date.now() > deadline) throw new Error(`the ghost is still called ${scene.alice.client.getRoom(roomId)?.getMember(ghost)?.name}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  it("gives a contact's ghost their WhatsApp picture", async () => {
    const scene = await whatsappScene();
    const phone = nextPhone();
    const picture = Buffer.from("Fay's profile picture");
    await scene.wa.admin.createAccount({ phone, pushName: "Fay", avatar: picture });
    const fay = await registerPhone(scene.wa, "Fay", { phone });
    await fay.sendText(scene.alicePhone.jid, "hi from Fay");
    const roomId = await waitForPortal(scene.alice.client, "whatsapp", /^Fay \(WhatsApp\)$/);
    const member = scene.alice.client.getRoom(roomId)?.getMember(ghostOf(scene, fay));
    const mxc = member?.getMxcAvatarUrl();
    expect(mxc).toMatch(/^mxc:\/\//);
    const url = scene.alice.client.mxcUrlToHttp(mxc as string, undefined, undefined, undefined, false, true, true) as string;
    const response = await fetch(url, { headers: { authorization: `Bearer ${scene.alice.client.getAccessToken()}` } });
    expect(Buffer.from(await response.arrayBuffer())).toEqual(picture);
  });

  it("fills a new portal with what arrived before it existed, in order and without doubles", async () => {
    const scene = await whatsappScene();
    const bob = await contact(scene.wa, "Bob");
    const texts = Array.from({ length: 8 }, (_, i) => `burst ${i + 1}`);
    for (const text of texts) await bob.phone.sendText(scene.alicePhone.jid, text);
    const roomId = await directPortal(scene, "Bob");
    await messageIn(scene.alice.client, roomId, /^burst 8$/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(timeline(scene.alice.client, roomId).map((e) => e.getContent()["body"])).toEqual(texts);
  });
});

describe("relay mode", () => {
  it("sends for Matrix users without a login through the relay login, with their name in front", async () => {
    const scene = await whatsappScene();
    const bob = await contact(scene.wa, "Bob");
    const group = await bob.phone.api.createGroup("Open group", [scene.alicePhone.jid]);
    await bob.phone.sendText(group.jid, "welcome");
    const roomId = await waitForPortal(scene.alice.client, "whatsapp", /^Open group$/);
    await messageIn(scene.alice.client, roomId, /^welcome$/);

    const dave = await matrixUser("dave");
    await scene.alice.client.invite(roomId, dave.userId);
    await waitForEvent(dave.client, (e) => e.getRoomId() === roomId && e.getType() === "m.room.message", BRIDGE_WAIT_MS, "Dave seeing the room");

    await dave.client.sendTextMessage(roomId, "can anyone hear me?");
    await waitForEvent(dave.client, isNoticeFrom(scene.bot, roomId, /not sent to WhatsApp/), BRIDGE_WAIT_MS, "the no-login notice");

    await scene.alice.client.sendTextMessage(roomId, "!cc set-relay");
    await waitForEvent(scene.alice.client, isNoticeFrom(scene.bot, roomId, /^Relay set/), BRIDGE_WAIT_MS, "the relay confirmation");
    await dave.client.sendTextMessage(roomId, "hello from Matrix");
    const [relayed] = await bob.messages.waitFor(1, (m) => m.content.type === "text" && m.content.text.includes("hello from Matrix"), BRIDGE_WAIT_MS);
    expect(relayed?.content).toMatchObject({ type: "text", text: "*dave*: hello from Matrix" });
    expect(relayed?.from).toBe(scene.alicePhone.jid);

    await scene.alice.client.sendTextMessage(roomId, "!cc unset-relay");
    await waitForEvent(scene.alice.client, isNoticeFrom(scene.bot, roomId, /^Relay removed/), BRIDGE_WAIT_MS, "the relay removal");
  });
});
