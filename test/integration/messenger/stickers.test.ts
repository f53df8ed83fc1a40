/**
 * Stickers: Messenger's come from its catalog and arrive as m.sticker with the catalog image;
 * a Matrix sticker whose image is a catalog sticker goes back as that sticker; any other Matrix
 * sticker is refused with a notice, as docs/messenger.md says, rather than sent as a photo.
 */
import { describe, expect, it } from "@jest/globals";
import { waitForEvent } from "../../support/matrix-user.js";
import { downloadMxc } from "../conformance/matrix-side.js";
import { PNG } from "../../connectors/messenger/pictures.js";
import { BRIDGE_WAIT_MS, isNoticeFrom } from "../support/bridge.js";
import { directChat, ghostOf, messageIn, person, useMessengerScene } from "./support.js";

const startScene = useMessengerScene();

const THUMBS_UP = "369239263222822";

function catalogImage(uri: string): Buffer {
  return Buffer.from(uri.slice(uri.indexOf(",") + 1), "base64");
}

describe("Messenger stickers", () => {
  it("arrive from Messenger as m.sticker with the catalog image, and go back as the same catalog sticker", async () => {
    const scene = await startScene();
    const bob = await person(scene, "Bob");
    const { roomId } = await directChat(scene, bob);
    const catalog = await bob.client.api.stickers();
    const thumbsUp = catalog.stickers.find((s) => s.id === THUMBS_UP);
    if (!thumbsUp) throw new Error("the thumbs-up sticker is missing from the catalog");

    const sent = await bob.client.api.send(scene.aliceRemote.id, { stickerId: THUMBS_UP });
    const sticker = await waitForEvent(scene.alice.client, (e) => e.getRoomId() === roomId && e.getType() === "m.sticker", BRIDGE_WAIT_MS, "the sticker");
    expect(sticker.getSender()).toBe(ghostOf(scene, bob.id));
    expect(sticker.getTs()).toBe(sent.timestamp);
    const content = sticker.getContent();
    expect(content["info"]).toMatchObject({ mimetype: "image/svg+xml" });
    expect(await downloadMxc(scene.alice.client, String(content["url"]))).toEqual(catalogImage(thumbsUp.image_uri));

    // Alice sends it back from her Matrix client, as clients do: the same image, as m.sticker.
    await scene.alice.client.sendEvent(roomId, "m.sticker" as never, { body: "thumbs up", url: content["url"], info: content["info"] } as never);
    const back = await bob.deltas.next("new_message", (d) => d.actor_id === scene.aliceRemote.id && d.message.sticker_id !== null, BRIDGE_WAIT_MS);
    expect(back.message).toMatchObject({ sticker_id: THUMBS_UP, text: null, attachments: [] });
  });

  it("refuses a Matrix sticker that is not in Messenger's catalog with a notice, and sends nothing", async () => {
    const scene = await startScene();
    const bob = await person(scene, "Bob");
    const { roomId } = await directChat(scene, bob);
    const { content_uri: url } = await scene.alice.client.uploadContent(PNG, { type: "image/png", name: "sticker.png" });
    const { event_id: stickerId } = await scene.alice.client.sendEvent(roomId, "m.sticker" as never, { body: "my sticker", url, info: { mimetype: "image/png", size: PNG.length } } as never);

    const notice = await waitForEvent(scene.alice.client, isNoticeFrom(scene.bot, roomId, /^Not delivered to Messenger\./), BRIDGE_WAIT_MS, "the refusal");
    expect(String(notice.getContent()["body"])).toContain("Messenger cannot show this");
    expect((notice.getContent()["m.relates_to"] as { "m.in_reply_to"?: { event_id?: string } })["m.in_reply_to"]?.event_id).toBe(stickerId);

    // Something sent after it arrives alone: the sticker made nothing on Messenger.
    await scene.alice.client.sendTextMessage(roomId, "after the sticker");
    await bob.deltas.next("new_message", (d) => d.message.text === "after the sticker", BRIDGE_WAIT_MS);
    const fromAlice = bob.deltas.ofType("new_message").filter((d) => d.actor_id === scene.aliceRemote.id);
    expect(fromAlice.map((d) => d.message.text)).toEqual(["after the sticker"]);
    await messageIn(scene.alice.client, roomId, "after the sticker");
  });
});
