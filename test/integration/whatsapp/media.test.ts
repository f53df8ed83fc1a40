/**
 * Files, voice notes, stickers, locations and contact cards, both ways: downloaded and
 * decrypted from WhatsApp and uploaded to the homeserver's media repository, and the reverse,
 * with WhatsApp's size limits answered by a notice.
 */
import { describe, expect, it } from "@jest/globals";
import { randomBytes } from "node:crypto";
import type { MatrixClient } from "matrix-js-sdk";
import { waitForEvent } from "../../support/matrix-user.js";
import { BRIDGE_WAIT_MS, isNoticeFrom } from "../support/bridge.js";
import { downloadMxc } from "../conformance/matrix-side.js";
import { directChat, messageIn } from "./support.js";

async function upload(client: MatrixClient, data: Buffer, type: string, name: string): Promise<string> {
  const { content_uri: uri } = await client.uploadContent(data, { type, name });
  return uri;
}

describe("media from WhatsApp", () => {
  it("arrives as an m.image with the caption and the same bytes in the media repository", async () => {
    const { scene, bob, roomId } = await directChat();
    const photo = randomBytes(4096);
    await bob.phone.sendMedia(scene.alicePhone.jid, { kind: "image", data: photo, mime: "image/jpeg", caption: "the view *today*", fileName: "view.jpg", width: 64, height: 48 });
    const event = await messageIn(scene.alice.client, roomId, /^the view today$/);
    const content = event.getContent();
    expect(content).toMatchObject({ msgtype: "m.image", filename: "view.jpg", info: { mimetype: "image/jpeg", size: photo.length, w: 64, h: 48 } });
    expect(content["formatted_body"]).toBe("the view <strong>today</strong>");
    expect(await downloadMxc(scene.alice.client, String(content["url"]))).toEqual(photo);
  });

  it("brings voice notes as MSC3245 voice messages, stickers as m.sticker, locations and contact cards", async () => {
    const { scene, bob, roomId } = await directChat();
    const client = scene.alice.client;
    await bob.phone.sendVoiceNote(scene.alicePhone.jid, { data: randomBytes(2000), seconds: 4, waveform: [0, 50, 100] });
    const voice = await waitForEvent(client, (e) => e.getRoomId() === roomId && e.getContent()["msgtype"] === "m.audio", BRIDGE_WAIT_MS, "the voice note");
    expect(voice.getContent()).toMatchObject({ "org.matrix.msc3245.voice": {}, info: { duration: 4000 } });

    await bob.phone.sendMedia(scene.alicePhone.jid, { kind: "sticker", data: randomBytes(1000), mime: "image/webp" });
    await waitForEvent(client, (e) => e.getRoomId() === roomId && e.getType() === "m.sticker", BRIDGE_WAIT_MS, "the sticker");

    await bob.phone.sendLocation(scene.alicePhone.jid, { latitude: 52.52, longitude: 13.405, name: "TV tower" });
    const location = await waitForEvent(client, (e) => e.getRoomId() === roomId && e.getContent()["msgtype"] === "m.location", BRIDGE_WAIT_MS, "the location");
    expect(location.getContent()["geo_uri"]).toBe("geo:52.52,13.405");

    const vcard = "BEGIN:VCARD\nVERSION:3.0\nFN:Carol\nTEL:+15550001111\nEND:VCARD";
    await bob.phone.sendContact(scene.alicePhone.jid, { displayName: "Carol", vcard });
    const card = await messageIn(client, roomId, /^Contact: Carol$/);
    expect(card.getContent()).toMatchObject({ msgtype: "m.file", filename: "Carol.vcf", info: { mimetype: "text/vcard" } });
    expect((await downloadMxc(client, String(card.getContent()["url"]))).toString("utf8")).toBe(vcard);
  });
});

describe("media the homeserver refuses", () => {
  it("arrives as a notice saying so, with the caption, and the chat goes on", async () => {
    const { scene, bob, roomId } = await directChat();
    // WhatsApp takes videos up to 64 MB; Synapse's default upload limit is 50 MB.
    const video = Buffer.alloc(51 * 1024 * 1024, 1);
    await bob.phone.sendMedia(scene.alicePhone.jid, { kind: "video", data: video, mime: "video/mp4", caption: "the whole match" });
    const notice = await messageIn(scene.alice.client, roomId, /^\[video not bridged: .*\]\nthe whole match$/);
    expect(notice.getContent()["msgtype"]).toBe("m.notice");
    expect(String(notice.getContent()["body"])).toContain("the homeserver accepts at most 52428800");
    await bob.phone.sendText(scene.alicePhone.jid, "after the video");
    await messageIn(scene.alice.client, roomId, /^after the video$/);
  });
});

describe("media from Matrix", () => {
  it("reaches WhatsApp as an encrypted image with its caption, and voice messages as voice notes", async () => {
    const { scene, bob, roomId } = await directChat();
    const client = scene.alice.client;
    const photo = randomBytes(3000);
    const url = await upload(client, photo, "image/png", "plan.png");
    await client.sendMessage(roomId, { msgtype: "m.image", body: "the plan", filename: "plan.png", url, info: { mimetype: "image/png", size: photo.length } } as never);
    const [image] = await bob.messages.waitFor(1, (m) => m.content.type === "image", BRIDGE_WAIT_MS);
    expect(image?.content).toMatchObject({ type: "image", caption: "the plan" });
    if (image?.content.type !== "image") throw new Error("not an image");
    expect(await bob.phone.download(image.content.media)).toEqual(photo);

    const audio = randomBytes(1500);
    const voiceUrl = await upload(client, audio, "audio/ogg", "voice.ogg");
    await client.sendMessage(roomId, {
      msgtype: "m.audio",
      body: "voice.ogg",
      url: voiceUrl,
      info: { mimetype: "audio/ogg", size: audio.length, duration: 3000 },
      "org.matrix.msc3245.voice": {},
      "org.matrix.msc1767.audio": { duration: 3000 },
    } as never);
    const [voice] = await bob.messages.waitFor(1, (m) => m.content.type === "audio", BRIDGE_WAIT_MS);
    expect(voice?.content).toMatchObject({ type: "audio", ptt: true, seconds: 3 });
  });

  it("sends files, videos, locations and vCard files as a document, a video, a location and a contact card", async () => {
    const { scene, bob, roomId } = await directChat();
    const client = scene.alice.client;
    const pdf = randomBytes(2048);
    await client.sendMessage(roomId, { msgtype: "m.file", body: "report.pdf", url: await upload(client, pdf, "application/pdf", "report.pdf"), info: { mimetype: "application/pdf", size: pdf.length } } as never);
    const [document] = await bob.messages.waitFor(1, (m) => m.content.type === "document", BRIDGE_WAIT_MS);
    expect(document?.content).toMatchObject({ type: "document", media: { file_name: "report.pdf", mime: "application/pdf", size: pdf.length } });

    const clip = randomBytes(4096);
    await client.sendMessage(roomId, { msgtype: "m.video", body: "clip.mp4", url: await upload(client, clip, "video/mp4", "clip.mp4"), info: { mimetype: "video/mp4", size: clip.length, duration: 2000 } } as never);
    await bob.messages.waitFor(1, (m) => m.content.type === "video", BRIDGE_WAIT_MS);

    await client.sendMessage(roomId, { msgtype: "m.location", body: "Meet here", geo_uri: "geo:48.8584,2.2945" } as never);
    const [location] = await bob.messages.waitFor(1, (m) => m.content.type === "location", BRIDGE_WAIT_MS);
    expect(location?.content).toMatchObject({ type: "location", latitude: 48.8584, longitude: 2.2945 });

    const vcard = Buffer.from("BEGIN:VCARD\nVERSION:3.0\nFN:Erin\nEND:VCARD");
    await client.sendMessage(roomId, { msgtype: "m.file", body: "Erin.vcf", url: await upload(client, vcard, "text/vcard", "Erin.vcf"), info: { mimetype: "text/vcard", size: vcard.length } } as never);
    const [card] = await bob.messages.waitFor(1, (m) => m.content.type === "contact", BRIDGE_WAIT_MS);
    expect(card?.content).toMatchObject({ type: "contact", display_name: "Erin", vcard: vcard.toString("utf8") });
  });

  it("answers a sticker over WhatsApp's 500 KB limit with a notice naming the limit", async () => {
    const { scene, bob, roomId } = await directChat();
    const client = scene.alice.client;
    const big = randomBytes(600 * 1024);
    const url = await upload(client, big, "image/webp", "huge.webp");
    await client.sendEvent(roomId, "m.sticker" as never, { body: "huge", url, info: { mimetype: "image/webp", size: big.length } } as never);
    const notice = await waitForEvent(client, isNoticeFrom(scene.bot, roomId, /sticker is 0\.6 MB/), BRIDGE_WAIT_MS, "the size notice");
    expect(String(notice.getContent()["body"])).toContain("WhatsApp accepts at most");
    expect(bob.messages.items.filter((m) => m.content.type === "sticker")).toHaveLength(0);
  });
});
