/**
 * Messenger group threads: the portal has the group's name, its image byte for byte as the room
 * avatar, the members as ghosts and the admins at power level 50; renames, new images and new
 * admins come across from Messenger, and a rename or a new avatar made in Matrix reaches
 * Messenger without coming back as a second change.
 */
import { describe, expect, it } from "@jest/globals";
import type { MatrixClient, MatrixEvent } from "matrix-js-sdk";
import { waitForEvent, waitForMembership } from "../../support/matrix-user.js";
import { downloadMxc } from "../conformance/matrix-side.js";
import { PNG, GIF } from "../../connectors/messenger/pictures.js";
import { BRIDGE_WAIT_MS, isNoticeFrom, timeline, waitForPortal } from "../support/bridge.js";
import { eventually, ghostOf, loginThroughBot, messageIn, person, useMessengerScene, type MessengerScene, type Person } from "./support.js";

const startScene = useMessengerScene();

function stateEvents(client: MatrixClient, roomId: string, type: string): MatrixEvent[] {
  return timeline(client, roomId, type);
}

function powerLevels(client: MatrixClient, roomId: string): Record<string, number> {
  const event = client.getRoom(roomId)?.currentState.getStateEvents("m.room.power_levels", "");
  return (event?.getContent()["users"] as Record<string, number> | undefined) ?? {};
}

async function setThreadImage(owner: Person, threadId: string, data: Buffer, mime: string): Promise<void> {
  const uploaded = await owner.client.api.upload({ kind: "image", mime, data });
  await owner.client.api.setThreadImage(threadId, uploaded.id);
}

interface Group {
  roomId: string;
  threadId: string;
  bob: Person;
  carol: Person;
  dave: Person;
}

/** Bob's group "Book club" with an image, Carol as a second admin and Dave as a member, made before Alice logs in. */
async function bookClub(scene: MessengerScene): Promise<Group> {
  const [bob, carol, dave] = [await person(scene, "Bob"), await person(scene, "Carol"), await person(scene, "Dave")];
  const thread = await bob.client.api.createThread([scene.aliceRemote.id, carol.id, dave.id], "Book club");
  await setThreadImage(bob, thread.id, PNG, "image/png");
  await bob.client.api.setAdmin(thread.id, carol.id, true);
  await loginThroughBot(scene, scene.aliceRemote.account);
  const roomId = await waitForPortal(scene.alice.client, "messenger", /^Book club$/);
  return { roomId, threadId: thread.id, bob, carol, dave };
}

describe("Messenger group threads", () => {
  it("become a portal with the group's name, image, members and admins", async () => {
    const scene = await startScene({ login: false });
    const { roomId, bob, carol, dave } = await bookClub(scene);
    const { client } = scene.alice;
    for (const member of [bob, carol, dave]) await waitForMembership(client, roomId, ghostOf(scene, member.id), "join", BRIDGE_WAIT_MS);

    const avatar = await waitForEvent(client, (e) => e.getRoomId() === roomId && e.getType() === "m.room.avatar", BRIDGE_WAIT_MS, "the room avatar");
    expect(avatar.getContent()["info"]).toMatchObject({ mimetype: "image/png" });
    expect(await downloadMxc(client, String(avatar.getContent()["url"]))).toEqual(PNG);

    const levels = powerLevels(client, roomId);
    expect(levels[scene.bot]).toBe(100);
    expect(levels[ghostOf(scene, bob.id)]).toBe(50);
    expect(levels[ghostOf(scene, carol.id)]).toBe(50);
    expect(levels[ghostOf(scene, dave.id)] ?? 0).toBe(0);
    // Alice is a member on Messenger: 50 lets her rename the room, Messenger decides the rest.
    expect(levels[scene.alice.userId]).toBe(50);
  });

  it("follow renames, new images and new admins made on Messenger", async () => {
    const scene = await startScene({ login: false });
    const { roomId, threadId, bob, dave } = await bookClub(scene);
    const { client } = scene.alice;

    await bob.client.api.renameThread(threadId, "Poetry club");
    await waitForEvent(client, (e) => e.getRoomId() === roomId && e.getType() === "m.room.name" && e.getContent()["name"] === "Poetry club", BRIDGE_WAIT_MS, "the rename");

    await setThreadImage(bob, threadId, GIF, "image/gif");
    const avatar = await waitForEvent(
      client,
      (e) => e.getRoomId() === roomId && e.getType() === "m.room.avatar" && (e.getContent()["info"] as { mimetype?: string } | undefined)?.mimetype === "image/gif",
      BRIDGE_WAIT_MS,
      "the new avatar",
    );
    expect(await downloadMxc(client, String(avatar.getContent()["url"]))).toEqual(GIF);

    await bob.client.api.setAdmin(threadId, dave.id, true);
    await eventually(async () => (powerLevels(client, roomId)[ghostOf(scene, dave.id)] === 50 ? true : undefined), "Dave's power level 50");
  });

  it("answer a rename from Matrix with a notice when only admins may rename the group", async () => {
    const scene = await startScene({ login: false });
    const { roomId, threadId, bob } = await bookClub(scene);
    await bob.client.api.setAdminOnlyEdits(threadId, true);
    await bob.deltas.next("thread_settings", (d) => d.admin_only_edits, BRIDGE_WAIT_MS);

    const { event_id: rename } = await scene.alice.client.setRoomName(roomId, "Alice's club");
    const notice = await waitForEvent(scene.alice.client, isNoticeFrom(scene.bot, roomId, /^Not delivered to Messenger\./), BRIDGE_WAIT_MS, "the refusal");
    expect(String(notice.getContent()["body"])).toContain("not_admin");
    expect((notice.getContent()["m.relates_to"] as { "m.in_reply_to"?: { event_id?: string } })["m.in_reply_to"]?.event_id).toBe(rename);
    expect((await bob.client.api.thread(threadId)).name).toBe("Book club");
  });

  it("take a rename and a new avatar from Matrix to Messenger, without bridging them back", async () => {
    const scene = await startScene({ login: false });
    const { roomId, threadId, bob } = await bookClub(scene);
    const { client } = scene.alice;

    await client.setRoomName(roomId, "Reading group");
    const renamed = await bob.deltas.next("thread_name", (d) => d.name === "Reading group", BRIDGE_WAIT_MS);
    expect(renamed.actor_id).toBe(scene.aliceRemote.id);

    const { content_uri: url } = await client.uploadContent(GIF, { type: "image/gif", name: "club.gif" });
    await client.sendStateEvent(roomId, "m.room.avatar" as never, { url, info: { mimetype: "image/gif", size: GIF.length } } as never, "");
    const image = await bob.deltas.next("thread_image", (d) => d.actor_id === scene.aliceRemote.id, BRIDGE_WAIT_MS);
    const { attachment, data } = await bob.client.api.download(String(image.image_attachment_id));
    expect(attachment.mime).toBe("image/gif");
    expect(data).toEqual(GIF);

    // Something Bob writes afterwards arrives after the echoes of both changes would have.
    await bob.client.api.send(threadId, { text: "nice picture" });
    await messageIn(client, roomId, "nice picture");
    expect(stateEvents(client, roomId, "m.room.name").map((e) => [e.getSender(), e.getContent()["name"]]).at(-1)).toEqual([scene.alice.userId, "Reading group"]);
    expect(stateEvents(client, roomId, "m.room.avatar").at(-1)?.getSender()).toBe(scene.alice.userId);
  });
});
