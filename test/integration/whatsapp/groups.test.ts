/**
 * WhatsApp groups <-> Matrix rooms: the group's name, topic and members arrive as a shared
 * portal with admins at a higher power level; changes on either side reach the other.
 */
import { describe, expect, it } from "@jest/globals";
import { registerPhone } from "../../simnet/whatsapp/support.js";
import { waitForEvent, waitForMembership } from "../../support/matrix-user.js";
import { BRIDGE_WAIT_MS, matrixUser, openManagementRoom, timeline, waitForPortal } from "../support/bridge.js";
import { contact, ghostOf, linkThroughBot, messageIn, whatsappScene } from "./support.js";

async function groupScene() {
  const scene = await whatsappScene();
  const bob = await contact(scene.wa, "Bob");
  const carol = await contact(scene.wa, "Carol");
  const group = await bob.phone.api.createGroup("Climbing", [scene.alicePhone.jid, carol.phone.jid]);
  await bob.phone.sendText(group.jid, "who is in on saturday?");
  const roomId = await waitForPortal(scene.alice.client, "whatsapp", /^Climbing$/);
  await messageIn(scene.alice.client, roomId, /saturday/);
  return { scene, bob, carol, group, roomId };
}

describe("WhatsApp groups", () => {
  it("become a portal with the group's name, its members' ghosts and the creator as a high power level", async () => {
    const { scene, bob, carol, roomId } = await groupScene();
    const room = scene.alice.client.getRoom(roomId);
    expect(room?.getMember(ghostOf(scene, bob.phone))?.membership).toBe("join");
    expect(room?.getMember(ghostOf(scene, carol.phone))?.membership).toBe("join");
    const levels = room?.currentState.getStateEvents("m.room.power_levels", "")?.getContent()["users"] as Record<string, number>;
    expect(levels[ghostOf(scene, bob.phone)]).toBeGreaterThanOrEqual(50);
    expect(levels[ghostOf(scene, carol.phone)] ?? 0).toBe(0);
    const bridge = room?.currentState.getStateEvents("m.bridge")[0]?.getContent();
    expect(bridge).toMatchObject({ bridgebot: scene.bot, protocol: { id: "whatsapp", displayname: "WhatsApp" } });
  });

  it("bridges a message from Matrix to every member of the group", async () => {
    const { scene, bob, carol, roomId } = await groupScene();
    await scene.alice.client.sendTextMessage(roomId, "me!");
    await bob.messages.waitFor(1, (m) => m.content.type === "text" && m.content.text === "me!", BRIDGE_WAIT_MS);
    await carol.messages.waitFor(1, (m) => m.content.type === "text" && m.content.text === "me!", BRIDGE_WAIT_MS);
  });

  it("follows renames, descriptions, removals and promotions made on WhatsApp", async () => {
    const { scene, bob, carol, group, roomId } = await groupScene();
    const client = scene.alice.client;
    await bob.phone.api.setGroupSubject(group.jid, "Climbing club");
    await waitForEvent(client, (e) => e.getRoomId() === roomId && e.getType() === "m.room.name" && e.getContent()["name"] === "Climbing club", BRIDGE_WAIT_MS, "the rename");
    await bob.phone.api.setGroupDescription(group.jid, "Saturdays at 10");
    await waitForEvent(client, (e) => e.getRoomId() === roomId && e.getType() === "m.room.topic" && e.getContent()["topic"] === "Saturdays at 10", BRIDGE_WAIT_MS, "the topic");
    await bob.phone.api.participants(group.jid, "promote", [carol.phone.jid]);
    await waitForEvent(
      client,
      (e) => e.getRoomId() === roomId && e.getType() === "m.room.power_levels" && ((e.getContent()["users"] as Record<string, number>)[ghostOf(scene, carol.phone)] ?? 0) >= 50,
      BRIDGE_WAIT_MS,
      "Carol's promotion",
    );
    await bob.phone.api.participants(group.jid, "remove", [carol.phone.jid]);
    await waitForEvent(client, (e) => e.getRoomId() === roomId && e.getType() === "m.room.member" && e.getStateKey() === ghostOf(scene, carol.phone) && e.getContent()["membership"] === "leave", BRIDGE_WAIT_MS, "Carol's removal");
  });

  it("brings the group picture in as the room avatar, and a new room avatar and topic out to WhatsApp", async () => {
    const { scene, bob, group, roomId } = await groupScene();
    const client = scene.alice.client;
    await bob.phone.api.setGroupPicture(group.jid, Buffer.from("a jpeg, as far as anyone knows"));
    await waitForEvent(client, (e) => e.getRoomId() === roomId && e.getType() === "m.room.avatar" && typeof e.getContent()["url"] === "string", BRIDGE_WAIT_MS, "the room avatar");

    const before = (await bob.phone.api.group(group.jid)).picture;
    await client.setRoomTopic(roomId, "Bring chalk");
    const { content_uri: picture } = await client.uploadContent(Buffer.from("new picture"), { type: "image/jpeg", name: "p.jpg" });
    await client.sendStateEvent(roomId, "m.room.avatar" as never, { url: picture } as never, "");
    const deadline = Date.now() + BRIDGE_WAIT_MS;
    let info = await bob.phone.api.group(group.jid);
    while ((info.description !== "Bring chalk" || info.picture === before) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      info = await bob.phone.api.group(group.jid);
    }
    expect(info.description).toBe("Bring chalk");
    expect(info.picture).not.toBe(before);
  });

  it("marks a group room with the network's room_avatar until the group has a picture, and again once it is removed", async () => {
    const uploader = await matrixUser("badge-uploader");
    const { content_uri: badge } = await uploader.client.uploadContent(Buffer.from("a WhatsApp badge"), { type: "image/png", name: "whatsapp.png" });
    const scene = await whatsappScene({ networks: { whatsapp: { room_avatar: badge } } });
    const bob = await contact(scene.wa, "Bob");
    const group = await bob.phone.api.createGroup("Knitting", [scene.alicePhone.jid]);
    await bob.phone.sendText(group.jid, "purl");
    const roomId = await waitForPortal(scene.alice.client, "whatsapp", /^Knitting$/);
    const state = () => scene.alice.client.getRoom(roomId)?.currentState;
    expect(state()?.getStateEvents("m.room.avatar", "")?.getContent()["url"]).toBe(badge);
    expect(state()?.getStateEvents("m.bridge")[0]?.getContent()["protocol"]).toMatchObject({ id: "whatsapp", avatar_url: badge });

    await bob.phone.api.setGroupPicture(group.jid, Buffer.from("the group's own picture"));
    const own = await waitForEvent(scene.alice.client, (e) => e.getRoomId() === roomId && e.getType() === "m.room.avatar" && typeof e.getContent()["url"] === "string" && e.getContent()["url"] !== badge, BRIDGE_WAIT_MS, "the group's picture");
    expect(own.getContent()["url"]).not.toBe(badge);
    await bob.phone.api.setGroupPicture(group.jid, null);
    await waitForEvent(scene.alice.client, (e) => e.getRoomId() === roomId && e.getType() === "m.room.avatar" && e.getContent()["url"] === badge && e.getTs() > own.getTs(), BRIDGE_WAIT_MS, "the badge again");
  });

  it("names the room through group_name_template, and takes the template off a Matrix rename", async () => {
    const scene = await whatsappScene({ networks: { whatsapp: { group_name_template: "{{name}} (WhatsApp)" } } });
    const bob = await contact(scene.wa, "Bob");
    const group = await bob.phone.api.createGroup("Chess", [scene.alicePhone.jid]);
    await bob.phone.sendText(group.jid, "e4");
    const roomId = await waitForPortal(scene.alice.client, "whatsapp", /^Chess \(WhatsApp\)$/);
    await scene.alice.client.setRoomName(roomId, "Chess club (WhatsApp)");
    const deadline = Date.now() + BRIDGE_WAIT_MS;
    while ((await bob.phone.api.group(group.jid)).subject !== "Chess club") {
      if (Date.now() > deadline) throw new Error("the group was not renamed to 'Chess club'");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  it("renames the WhatsApp group when the room is renamed by a member with a login", async () => {
    const { scene, bob, group, roomId } = await groupScene();
    await scene.alice.client.setRoomName(roomId, "Bouldering");
    const deadline = Date.now() + BRIDGE_WAIT_MS;
    let subject = "";
    while (Date.now() < deadline) {
      subject = (await bob.phone.api.group(group.jid)).subject;
      if (subject === "Bouldering") break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(subject).toBe("Bouldering");
  });
});

describe("WhatsApp groups changed from Matrix", () => {
  it("adds, promotes, demotes and removes members on WhatsApp when Matrix invites, changes the power of and kicks their ghosts", async () => {
    const { scene, bob, group, roomId } = await groupScene();
    const client = scene.alice.client;
    const dan = await contact(scene.wa, "Dan");
    // Alice is an admin on WhatsApp first, so WhatsApp lets her change members.
    await bob.phone.api.participants(group.jid, "promote", [scene.alicePhone.jid]);
    const members = async () => (await bob.phone.api.group(group.jid)).participants;
    const until = async (check: (list: Awaited<ReturnType<typeof members>>) => boolean, what: string) => {
      const deadline = Date.now() + BRIDGE_WAIT_MS;
      for (;;) {
        const list = await members();
        if (check(list)) return list;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(list)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const danGhost = ghostOf(scene, dan.phone);
    // The ghost must exist before Matrix can invite it: Dan writes to Alice first.
    await dan.phone.sendText(scene.alicePhone.jid, "hi, I'm Dan");
    await waitForPortal(client, "whatsapp", /^Dan \(WhatsApp\)$/);

    await client.invite(roomId, danGhost);
    await until((list) => list.some((p) => p.jid === dan.phone.jid), "Dan added");
    await waitForEvent(client, (e) => e.getRoomId() === roomId && e.getStateKey() === danGhost && e.getContent()["membership"] === "join", BRIDGE_WAIT_MS, "Dan's ghost joining");

    await client.setPowerLevel(roomId, danGhost, 50);
    await until((list) => list.some((p) => p.jid === dan.phone.jid && p.role === "admin"), "Dan promoted");
    // Matrix lets nobody kick someone at their own level, so Dan goes back to member first.
    await client.setPowerLevel(roomId, danGhost, 0);
    await until((list) => list.some((p) => p.jid === dan.phone.jid && p.role === "member"), "Dan demoted");

    await client.kick(roomId, danGhost, "not a climber");
    await until((list) => !list.some((p) => p.jid === dan.phone.jid), "Dan removed");
  });
});

describe("a group with two bridged members", () => {
  it("is one room for both Matrix users, with each message bridged once in either direction", async () => {
    const { scene, bob, group, roomId } = await groupScene();
    const erin = await matrixUser("erin");
    const erinPhone = await registerPhone(scene.wa, "Erin");
    const erinRoom = await openManagementRoom(erin.client, scene.bot);
    await linkThroughBot(erin.client, erinRoom, scene.bot, erinPhone);
    await bob.phone.api.participants(group.jid, "add", [erinPhone.jid]);
    await waitForMembership(erin.client, roomId, erin.userId, "join", BRIDGE_WAIT_MS);

    await bob.phone.sendText(group.jid, "hello both of you");
    await messageIn(erin.client, roomId, /^hello both of you$/);
    await messageIn(scene.alice.client, roomId, /^hello both of you$/);

    await erin.client.sendTextMessage(roomId, "from Erin's Matrix");
    await bob.messages.waitFor(1, (m) => m.content.type === "text" && m.content.text === "from Erin's Matrix", BRIDGE_WAIT_MS);
    await bob.phone.sendText(group.jid, "marker");
    await messageIn(scene.alice.client, roomId, /^marker$/);
    const bodies = timeline(scene.alice.client, roomId).map((e) => String(e.getContent()["body"]));
    expect(bodies.filter((b) => b === "hello both of you")).toHaveLength(1);
    expect(bodies.filter((b) => b === "from Erin's Matrix")).toHaveLength(1);
    expect(bob.messages.items.filter((m) => m.content.type === "text" && m.content.text === "from Erin's Matrix")).toHaveLength(1);
  });
});
