/**
 * Pictures from Matrix keep their real MIME type on Messenger: the one the Matrix event gives,
 * or, when the event gives none (or only application/octet-stream), the one the bytes show,
 * so a PNG is a PNG image on Messenger and not a file or a "JPEG".
 */
import { describe, expect, it } from "@jest/globals";
import { PNG, GIF } from "../../connectors/messenger/pictures.js";
import { BRIDGE_WAIT_MS } from "../support/bridge.js";
import { directChat, person, useMessengerScene, type MessengerScene, type Person } from "./support.js";

const startScene = useMessengerScene();

/** Alice sends an m.image with `content` (the url is added); resolves with what Bob's app got. */
async function imageToBob(scene: MessengerScene, bob: Person, roomId: string, data: Buffer, uploadType: string, content: Record<string, unknown>) {
  const { content_uri: url } = await scene.alice.client.uploadContent(data, { type: uploadType, name: String(content["filename"] ?? "picture") });
  await scene.alice.client.sendMessage(roomId, { msgtype: "m.image", url, ...content } as never);
  const delta = await bob.deltas.next("new_message", (d) => d.actor_id === scene.aliceRemote.id && d.message.attachments.length > 0, BRIDGE_WAIT_MS);
  const [attachment] = delta.message.attachments;
  if (!attachment) throw new Error("no attachment");
  const { data: received } = await bob.client.api.download(attachment.id);
  return { message: delta.message, attachment, received };
}

describe("pictures from Matrix to Messenger", () => {
  it("keep the MIME type the Matrix event gives, with the caption and the same bytes", async () => {
    const scene = await startScene();
    const bob = await person(scene, "Bob");
    const { roomId } = await directChat(scene, bob);
    const { message, attachment, received } = await imageToBob(scene, bob, roomId, GIF, "image/gif", {
      body: "a dot",
      filename: "dot.gif",
      info: { mimetype: "image/gif", size: GIF.length },
    });
    expect(attachment).toMatchObject({ kind: "image", mime: "image/gif", filename: "dot.gif", size: GIF.length });
    expect(message.text).toBe("a dot");
    expect(received).toEqual(GIF);
  });

  it("take the MIME type from the bytes when the Matrix event has none", async () => {
    const scene = await startScene();
    const bob = await person(scene, "Bob");
    const { roomId } = await directChat(scene, bob);
    const { attachment, received } = await imageToBob(scene, bob, roomId, PNG, "application/octet-stream", { body: "pixel.png" });
    expect(attachment).toMatchObject({ kind: "image", mime: "image/png" });
    expect(received).toEqual(PNG);
  });
});
