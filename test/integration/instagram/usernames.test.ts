/**
 * Instagram people are their numeric pk for good; usernames change. A rename changes the name
 * their ghost shows (the username, when they have no full name) and nothing else: the same
 * Matrix id, no second portal or ghost, and later messages come from the same ghost, also when
 * the rename arrives right after a bridge restart.
 */
import { describe, expect, it } from "@jest/globals";
import { waitForEvent } from "../../support/matrix-user.js";
import { BRIDGE_WAIT_MS, timeline } from "../support/bridge.js";
import { appUser, bridgeRows, directChat, ghostOf, loggedInScene, messageIn, type InstagramScene } from "./support.js";

function displayNameChange(scene: InstagramScene, roomId: string, ghost: string, name: string) {
  return waitForEvent(
    scene.alice.client,
    (e) => e.getRoomId() === roomId && e.getType() === "m.room.member" && e.getStateKey() === ghost && e.getContent()["displayname"] === name,
    BRIDGE_WAIT_MS,
    `${ghost} named "${name}"`,
  );
}

const instagramRooms = (scene: InstagramScene) =>
  scene.alice.client.getRooms().filter((room) => room.currentState.getStateEvents("m.bridge").some((e) => (e.getContent()["protocol"] as { id?: string } | undefined)?.id === "instagram"));

describe("Instagram username changes", () => {
  it("rename the ghost and nothing else, also right after a restart", async () => {
    const scene = await loggedInScene();
    // No full name: the username is the name shown.
    const bob = await appUser(scene.ig, "bob.before", "");
    const { threadId, roomId, firstEvent } = await directChat(scene, bob, "bob.before");
    const ghost = ghostOf(scene, bob.client.userId);
    expect(firstEvent.getSender()).toBe(ghost);

    await bob.client.editProfile({ username: "bob.after" });
    await displayNameChange(scene, roomId, ghost, "bob.after (Instagram)");
    await bob.client.sendText(threadId, "renamed");
    expect((await messageIn(scene.alice.client, roomId, /^renamed$/)).getSender()).toBe(ghost);

    // After a restart the bridge has not seen the thread yet when the rename comes.
    await scene.bridge.restart();
    await scene.ig.admin.rename(bob.client.userId, "bob.again");
    await displayNameChange(scene, roomId, ghost, "bob.again (Instagram)");
    await bob.client.sendText(threadId, "renamed again");
    expect((await messageIn(scene.alice.client, roomId, /^renamed again$/)).getSender()).toBe(ghost);

    expect(instagramRooms(scene).map((room) => room.roomId)).toEqual([roomId]);
    expect(scene.alice.client.getRoom(roomId)?.getJoinedMembers().map((m) => m.userId).sort()).toEqual([scene.alice.userId, scene.bot, ghost].sort());
    expect(bridgeRows(scene, "SELECT chat_id FROM portals WHERE network = 'instagram'")).toEqual([{ chat_id: threadId }]);
    expect(bridgeRows(scene, "SELECT remote_user_id, name FROM ghosts WHERE network = 'instagram'")).toEqual([{ remote_user_id: bob.client.userId, name: "bob.again" }]);
  });

  it("keep the ghost's picture as it is: a rename does not upload it again, a new picture does", async () => {
    const scene = await loggedInScene();
    const bob = await appUser(scene.ig, "bob.pictured", "");
    // A tiny valid PNG: Instagram checks what it is sent.
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
    await bob.client.changeProfilePicture(png);
    const { threadId, roomId } = await directChat(scene, bob, "bob.pictured");
    const ghost = ghostOf(scene, bob.client.userId);
    const avatarOf = () => scene.alice.client.getRoom(roomId)?.getMember(ghost)?.getMxcAvatarUrl();
    const first = avatarOf();
    expect(first).toMatch(/^mxc:\/\//);

    await bob.client.editProfile({ username: "bob.renamed" });
    await displayNameChange(scene, roomId, ghost, "bob.renamed (Instagram)");
    // The profile change is handled before the message that follows it.
    await bob.client.sendText(threadId, "same face");
    await messageIn(scene.alice.client, roomId, /^same face$/);
    const pictures = new Set(timeline(scene.alice.client, roomId, "m.room.member").filter((e) => e.getStateKey() === ghost).map((e) => e.getContent()["avatar_url"]));
    expect([...pictures]).toEqual([first]);

    await bob.client.changeProfilePicture(Buffer.concat([png, Buffer.from([0])]));
    const repictured = await waitForEvent(
      scene.alice.client,
      (e) => e.getRoomId() === roomId && e.getType() === "m.room.member" && e.getStateKey() === ghost && typeof e.getContent()["avatar_url"] === "string" && e.getContent()["avatar_url"] !== first,
      BRIDGE_WAIT_MS,
      "the new picture",
    );
    expect(repictured.getContent()["displayname"]).toBe("bob.renamed (Instagram)");
  });

  it("shows a new full name in place of the old one", async () => {
    const scene = await loggedInScene();
    const bob = await appUser(scene.ig, "bob", "Bob Example");
    const { roomId } = await directChat(scene, bob, "Bob Example");
    await bob.client.editProfile({ fullName: "Robert Example" });
    await displayNameChange(scene, roomId, ghostOf(scene, bob.client.userId), "Robert Example (Instagram)");
  });
});
