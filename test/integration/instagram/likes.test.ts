/**
 * Instagram's heart comes in two shapes, and each maps to what fits on the other side: the
 * "like" (a heart item of its own in the thread) is a Matrix message "❤️" both ways, and a heart
 * reaction on a message is a Matrix ❤️ reaction both ways.
 */
import { describe, expect, it } from "@jest/globals";
import { waitForEvent } from "../../support/matrix-user.js";
import { BRIDGE_WAIT_MS, timeline } from "../support/bridge.js";
import { appUser, directChat, ghostOf, loggedInScene, messageIn } from "./support.js";

describe("Instagram likes", () => {
  it("arrive as a ❤️ message, and a Matrix message that is only a heart goes as a like", async () => {
    const scene = await loggedInScene();
    const bob = await appUser(scene.ig, "bob", "Bob Example");
    const { threadId, roomId } = await directChat(scene, bob, "Bob Example");
    const ghost = ghostOf(scene, bob.client.userId);

    await bob.client.sendLike(threadId);
    const like = await messageIn(scene.alice.client, roomId, /^❤️$/);
    expect(like.getSender()).toBe(ghost);
    expect(like.getContent()["msgtype"]).toBe("m.text");

    // With or without the emoji variation selector, a lone heart is Instagram's like.
    await scene.alice.client.sendTextMessage(roomId, "❤");
    const [liked] = await bob.events.until((e) => e.type === "item" && e.item.user_id === scene.alicePk && e.item.item_type === "like");
    expect(liked).toMatchObject({ item: { like: "❤️" } });
    // A heart inside a sentence is text.
    await scene.alice.client.sendTextMessage(roomId, "I ❤️ it");
    await bob.events.until((e) => e.type === "item" && e.item.item_type === "text" && e.item.text === "I ❤️ it");
    // Alice's like comes back from Instagram as her own item: it is recognised, not shown twice.
    await bob.client.sendText(threadId, "marker");
    await messageIn(scene.alice.client, roomId, /^marker$/);
    expect(timeline(scene.alice.client, roomId).map((e) => e.getContent()["body"]).filter((body) => /^❤/.test(String(body)))).toEqual(["❤️", "❤"]);
  });

  it("as reactions are ❤️ reactions both ways", async () => {
    const scene = await loggedInScene();
    const bob = await appUser(scene.ig, "bob", "Bob Example");
    const { threadId, first, roomId, firstEvent } = await directChat(scene, bob, "Bob Example");

    await scene.alice.client.sendEvent(roomId, "m.reaction" as never, { "m.relates_to": { rel_type: "m.annotation", event_id: firstEvent.getId(), key: "❤️" } } as never);
    await bob.events.until((e) => e.type === "reaction" && e.itemId === first.item_id && e.userId === scene.alicePk && e.emoji === "❤️");

    const { event_id: mine } = await scene.alice.client.sendTextMessage(roomId, "do you like it?");
    const [sent] = await bob.events.until((e) => e.type === "item" && e.item.text === "do you like it?");
    if (sent?.type !== "item") throw new Error("expected Alice's item");
    // The app's double-tap: a reaction, heart by default.
    await bob.client.react(threadId, sent.item.item_id);
    const reaction = await waitForEvent(
      scene.alice.client,
      (e) => e.getRoomId() === roomId && e.getType() === "m.reaction" && e.getSender() === ghostOf(scene, bob.client.userId),
      BRIDGE_WAIT_MS,
      "Bob's reaction",
    );
    expect(reaction.getContent()["m.relates_to"]).toEqual({ rel_type: "m.annotation", event_id: mine, key: "❤️" });
  });
});
