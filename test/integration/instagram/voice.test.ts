/**
 * Voice messages both ways, byte for byte: Instagram's voice item is an MSC3245 voice message
 * in Matrix (duration, waveform scaled 0–1 <-> 0–1024), and Matrix audio goes to Instagram as a
 * voice message, the only way Instagram sends sound.
 */
import { describe, expect, it } from "@jest/globals";
import { randomBytes } from "node:crypto";
import { waitForEvent } from "../../support/matrix-user.js";
import { FILES } from "../../simnet/instagram/harness.js";
import { BRIDGE_WAIT_MS } from "../support/bridge.js";
import { appUser, directChat, downloadMxc, ghostOf, loggedInScene } from "./support.js";

/** An M4A file Instagram recognises by its header, with random audio after it. */
const voiceFile = () => Buffer.concat([FILES.m4a, randomBytes(6000)]);

describe("Instagram voice messages", () => {
  it("arrive as Matrix voice messages with the same bytes, duration and waveform", async () => {
    const scene = await loggedInScene();
    const bob = await appUser(scene.ig, "bob", "Bob Example");
    const { threadId, roomId } = await directChat(scene, bob, "Bob Example");
    const audio = voiceFile();
    const upload = await bob.client.upload("audio", audio);
    await bob.client.sendVoice(threadId, upload.upload_id, 4200, [0, 0.5, 1]);

    const voice = await waitForEvent(scene.alice.client, (e) => e.getRoomId() === roomId && e.getContent()["msgtype"] === "m.audio", BRIDGE_WAIT_MS, "the voice message");
    expect(voice.getSender()).toBe(ghostOf(scene, bob.client.userId));
    expect(voice.getContent()).toMatchObject({
      info: { mimetype: "audio/mp4", duration: 4200, size: audio.length },
      "org.matrix.msc3245.voice": {},
      "org.matrix.msc1767.audio": { duration: 4200, waveform: [0, 512, 1024] },
    });
    expect(await downloadMxc(scene.alice.client, String(voice.getContent()["url"]))).toEqual(audio);
  });

  it("go from Matrix as Instagram voice messages with the same bytes, duration and waveform", async () => {
    const scene = await loggedInScene();
    const bob = await appUser(scene.ig, "bob", "Bob Example");
    const { roomId } = await directChat(scene, bob, "Bob Example");
    const audio = voiceFile();
    const { content_uri: url } = await scene.alice.client.uploadContent(audio, { type: "audio/mp4", name: "voice.m4a" });
    await scene.alice.client.sendMessage(roomId, {
      msgtype: "m.audio",
      body: "Voice message",
      url,
      info: { mimetype: "audio/mp4", size: audio.length, duration: 3000 },
      "org.matrix.msc3245.voice": {},
      "org.matrix.msc1767.audio": { duration: 3000, waveform: [0, 256, 1024] },
    } as never);

    const [sent] = await bob.events.until((e) => e.type === "item" && e.item.item_type === "voice_media", 1, BRIDGE_WAIT_MS);
    if (sent?.type !== "item") throw new Error("expected a voice item");
    const voice = sent.item.voice_media?.media.audio;
    expect(voice).toMatchObject({ duration: 3000, waveform_data: [0, 0.25, 1] });
    expect((await bob.client.download(voice!.audio_src)).data).toEqual(audio);
  });
});
