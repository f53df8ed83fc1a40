/**
 * Instagram has no captions in direct messages: a Matrix image with a caption becomes an image
 * item and a text item. Both map to the one Matrix event, so the caption's echo does not come
 * back as a second message, and deleting the event unsends both.
 */
import { describe, expect, it } from "@jest/globals";
import { waitForEvent } from "../../support/matrix-user.js";
import { BRIDGE_WAIT_MS, timeline } from "../support/bridge.js";
import { aliceAndBob, bobWritesFirst } from "../conformance/bridge-login.js";
import { simulatedNetwork } from "../../support/people.js";

describe("Instagram captions", () => {
  it("arrive as their own item, map to the one Matrix event, and are unsent with it", async () => {
    const s = await aliceAndBob(await simulatedNetwork("instagram"));
    const { alice, bob } = s;
    const { chat, roomId } = await bobWritesFirst(s, "send me the photo");

    // A tiny valid PNG: Instagram checks what it is sent.
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
    const { content_uri: url } = await alice.client.uploadContent(png, { type: "image/png", name: "photo.png" });
    const { event_id: eventId } = await alice.client.sendMessage(roomId, { msgtype: "m.image", body: "the view", filename: "photo.png", url, info: { mimetype: "image/png", size: png.length } } as never);
    await bob.waitFor((e) => e.kind === "message" && e.text === "the view", "the caption item");

    await alice.client.sendTextMessage(roomId, "marker");
    await bob.waitFor((e) => e.kind === "message" && e.text === "marker", "the marker");
    await new Promise((resolve) => setTimeout(resolve, 500));
    const bodies = timeline(alice.client, roomId).map((e) => String(e.getContent()["body"]));
    expect(bodies.filter((b) => b === "the view")).toHaveLength(1);

    await alice.client.redactEvent(roomId, eventId);
    const history = async () => (await bob.agent.history(chat.id, 20)).map((m) => m.text ?? m.kind);
    const deadline = Date.now() + BRIDGE_WAIT_MS;
    while ((await history()).includes("the view")) {
      if (Date.now() > deadline) throw new Error(`the caption is still there: ${JSON.stringify(await history())}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await waitForEvent(alice.client, (e) => e.getType() === "m.room.redaction", BRIDGE_WAIT_MS, "Alice's redaction");
  });
});
