/**
 * Linking two portals: a WhatsApp group and a Messenger group, whose people do not use the
 * interoperability API, become one conversation through the relay logins of a Matrix user who
 * is in both. The other room's admin approves; `unlink` puts things back.
 */
import { describe, expect, it } from "@jest/globals";
import { loginThroughBot } from "./conformance/bridge-login.js";
import { simulatedNetwork } from "../support/people.js";
import { waitForEvent } from "../support/matrix-user.js";
import { BRIDGE_WAIT_MS, command, isNoticeFrom, matrixUser, openManagementRoom, startBridge, timeline, waitForPortal } from "./support/bridge.js";

describe("linking portals", () => {
  it("makes a WhatsApp group and a Messenger group one conversation once the other room's admin approves, and undoes it", async () => {
    const wa = await simulatedNetwork("whatsapp");
    const fb = await simulatedNetwork("messenger");
    const bridge = await startBridge({ networks: { whatsapp: { url: wa.net.url }, messenger: { url: fb.net.url } } });
    const bot = bridge.app.botUserId;
    const alice = await matrixUser("alice");
    const management = await openManagementRoom(alice.client, bot);
    const aliceWa = await wa.person("Alice");
    const aliceFb = await fb.person("Alice");
    await loginThroughBot(alice.client, management, bot, wa, aliceWa);
    await loginThroughBot(alice.client, management, bot, fb, aliceFb);

    // Alice made both groups, so she is an admin of both rooms.
    const bob = await wa.person("Bob");
    const waGroup = await aliceWa.agent.createGroup("Hikers", [bob.handle]);
    await bob.agent.send(waGroup.id, "welcome, hikers");
    const waRoom = await waitForPortal(alice.client, "whatsapp", /Hikers/);
    const carol = await fb.person("Carol");
    const dan = await fb.person("Dan");
    const fbGroup = await aliceFb.agent.createGroup("Trail crew", [carol.handle, dan.handle]);
    await carol.agent.send(fbGroup.id, "welcome, crew");
    const fbRoom = await waitForPortal(alice.client, "messenger", /Trail crew/);
    await command(alice.client, waRoom, bot, "!cc set-relay", /^Relay set/);
    await command(alice.client, fbRoom, bot, "!cc set-relay", /^Relay set/);

    await command(alice.client, waRoom, bot, `!cc link ${fbRoom}`, /^Asked the admins of/);
    await waitForEvent(alice.client, isNoticeFrom(bot, fbRoom, /asks to link this Messenger chat with Hikers on WhatsApp/), BRIDGE_WAIT_MS, "the request in the Messenger room");
    await command(alice.client, fbRoom, bot, "!cc link-approve", /^Linked: this chat is now bridged in/);
    await waitForEvent(alice.client, isNoticeFrom(bot, waRoom, /Trail crew on Messenger is now linked here/), BRIDGE_WAIT_MS, "the confirmation in the WhatsApp room");

    // Each network's people reach the other's, through Alice's relay logins, with their names in front.
    await bob.agent.send(waGroup.id, "hi from the WhatsApp group");
    const atCarol = await carol.waitFor((e) => e.kind === "message" && (e.text ?? "").includes("hi from the WhatsApp group"), "Bob's message at Carol");
    expect(atCarol.text).toMatch(/Bob \(WhatsApp\).*: hi from the WhatsApp group/);
    expect(atCarol.sender).toBe(aliceFb.id);
    await carol.agent.send(fbGroup.id, "hi from the Messenger group");
    const atBob = await bob.waitFor((e) => e.kind === "message" && (e.text ?? "").includes("hi from the Messenger group"), "Carol's message at Bob");
    expect(atBob.text).toMatch(/Carol \(Messenger\).*: hi from the Messenger group/);
    // Both chats now speak in the WhatsApp group's room; Alice's own words reach both as hers.
    await waitForEvent(alice.client, (e) => e.getRoomId() === waRoom && e.getContent()["body"] === "hi from the Messenger group", BRIDGE_WAIT_MS, "Carol's message in the linked room");
    await alice.client.sendTextMessage(waRoom, "hello, both groups");
    expect((await bob.waitFor((e) => e.kind === "message" && e.text === "hello, both groups", "Alice at Bob")).sender).toBe(aliceWa.id);
    expect((await dan.waitFor((e) => e.kind === "message" && e.text === "hello, both groups", "Alice at Dan")).sender).toBe(aliceFb.id);
    // Nothing went round twice: each group got each message once, and nobody got their own back.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(carol.events.filter((e) => (e.text ?? "").includes("hi from the WhatsApp group")).length).toBe(1);
    expect(bob.events.filter((e) => (e.text ?? "").includes("hi from the Messenger group")).length).toBe(1);
    expect(bob.events.filter((e) => e.sender !== bob.id && (e.text ?? "").includes("hi from the WhatsApp group"))).toEqual([]);
    expect(carol.events.filter((e) => e.sender !== carol.id && (e.text ?? "").includes("hi from the Messenger group"))).toEqual([]);

    await command(alice.client, waRoom, bot, "!cc unlink", /^Unlinked Trail crew \(Messenger\)/);
    await carol.agent.send(fbGroup.id, "are we apart again?");
    await waitForEvent(alice.client, (e) => e.getRoomId() === fbRoom && e.getContent()["body"] === "are we apart again?", BRIDGE_WAIT_MS, "Carol's message back in the Messenger room");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(bob.events.some((e) => (e.text ?? "").includes("are we apart again?"))).toBe(false);
    expect(timeline(alice.client, waRoom).some((e) => e.getContent()["body"] === "are we apart again?")).toBe(false);
  });

  it("lets only a room admin ask, and only an admin of the other room approve", async () => {
    const wa = await simulatedNetwork("whatsapp");
    const bridge = await startBridge({ networks: { whatsapp: { url: wa.net.url } } });
    const bot = bridge.app.botUserId;
    const alice = await matrixUser("alice");
    const management = await openManagementRoom(alice.client, bot);
    const aliceWa = await wa.person("Alice");
    await loginThroughBot(alice.client, management, bot, wa, aliceWa);
    const bob = await wa.person("Bob");
    const group = await aliceWa.agent.createGroup("Readers", [bob.handle]);
    await bob.agent.send(group.id, "hi readers");
    const roomId = await waitForPortal(alice.client, "whatsapp", /Readers/);
    const mallory = await matrixUser("mallory");
    await alice.client.invite(roomId, mallory.userId);
    await waitForEvent(mallory.client, (e) => e.getRoomId() === roomId && e.getType() === "m.room.member" && e.getStateKey() === mallory.userId && e.getContent()["membership"] === "join", BRIDGE_WAIT_MS, "Mallory in the room");
    await command(mallory.client, roomId, bot, "!cc link !elsewhere:localhost", /^Only an admin of this room can link it\.$/);
    await command(mallory.client, roomId, bot, "!cc link-approve", /^Only an admin of this room can approve a link\.$/);
    await command(alice.client, roomId, bot, "!cc link-approve", /^Nothing is waiting to be linked with this room\.$/);
  });
});
