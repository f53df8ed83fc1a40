import { describe, expect, it } from "@jest/globals";
import { parseMatrixMessage, relationOf, replyTargetOf } from "../../../../src/matrix/content/from-matrix.js";

const noMentions = { remoteUserFor: () => undefined };

describe("parseMatrixMessage", () => {
  it("reads text, notices and emotes with their style", () => {
    expect(parseMatrixMessage("m.room.message", { msgtype: "m.text", body: "hi" }, noMentions)).toEqual({ kind: "text", text: { text: "hi", entities: [] }, style: "text" });
    expect(parseMatrixMessage("m.room.message", { msgtype: "m.notice", body: "n" }, noMentions)).toMatchObject({ kind: "text", style: "notice" });
    expect(parseMatrixMessage("m.room.message", { msgtype: "m.emote", body: "waves" }, noMentions)).toMatchObject({ kind: "text", style: "emote" });
  });

  it("drops the reply fallback so only the new text is sent", () => {
    const parsed = parseMatrixMessage("m.room.message", { msgtype: "m.text", body: "> <@bob:x> earlier\n\nmy answer" }, noMentions);
    expect(parsed).toMatchObject({ kind: "text", text: { text: "my answer" } });
  });

  it("reads files with their info, a caption when body differs from filename, and voice messages", () => {
    const image = parseMatrixMessage(
      "m.room.message",
      { msgtype: "m.image", body: "look at this", filename: "cat.jpg", url: "mxc://x/1", info: { mimetype: "image/jpeg", size: 10, w: 4, h: 3 } },
      noMentions,
    );
    expect(image).toEqual({
      kind: "media",
      media: "image",
      url: "mxc://x/1",
      info: { mimeType: "image/jpeg", fileName: "cat.jpg", size: 10, width: 4, height: 3 },
      caption: { text: "look at this", entities: [] },
    });
    const file = parseMatrixMessage("m.room.message", { msgtype: "m.file", body: "report.pdf", url: "mxc://x/2", info: { mimetype: "application/pdf" } }, noMentions);
    expect(file).toMatchObject({ kind: "media", media: "file", info: { fileName: "report.pdf" } });
    expect(file).not.toHaveProperty("caption");
    const voice = parseMatrixMessage(
      "m.room.message",
      { msgtype: "m.audio", body: "voice", url: "mxc://x/3", info: { mimetype: "audio/ogg", duration: 3000 }, "org.matrix.msc3245.voice": {}, "org.matrix.msc1767.audio": { duration: 3000, waveform: [1, 2] } },
      noMentions,
    );
    expect(voice).toMatchObject({ kind: "media", media: "voice", info: { durationMs: 3000, waveform: [1, 2] } });
  });

  it("reads stickers, locations and vCard files as contact cards", () => {
    expect(parseMatrixMessage("m.sticker", { body: "cat", url: "mxc://x/s", info: { mimetype: "image/webp" } }, noMentions)).toMatchObject({ kind: "media", media: "sticker" });
    expect(parseMatrixMessage("m.room.message", { msgtype: "m.location", body: "here", geo_uri: "geo:52.52,13.405;u=10" }, noMentions)).toEqual({ kind: "location", latitude: 52.52, longitude: 13.405 });
    expect(parseMatrixMessage("m.room.message", { msgtype: "m.file", body: "Carol.vcf", url: "mxc://x/v", info: { mimetype: "text/vcard" } }, noMentions)).toMatchObject({ kind: "contact", displayName: "Carol" });
  });

  it("rejects what it cannot bridge with the reason, never throwing", () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ["m.room.message", { body: "x" }, /no msgtype/],
      ["m.room.message", { msgtype: "m.text" }, /no body/],
      ["m.room.message", { msgtype: "m.text", body: 5 }, /no body/],
      ["m.room.message", { msgtype: "m.image", body: "x" }, /no url/],
      ["m.room.message", { msgtype: "m.image", body: "x", file: { url: "mxc://x/e" } }, /encrypted/],
      ["m.room.message", { msgtype: "m.location", body: "x", geo_uri: "nowhere" }, /geo_uri/],
      ["m.room.message", { msgtype: "m.location", body: "x", geo_uri: "geo:95,0" }, /out of range/],
      ["m.room.message", { msgtype: "org.example.poll", body: "x" }, /cannot be bridged/],
      ["m.sticker", { body: "x" }, /no url/],
    ];
    for (const [type, content, reason] of cases) {
      const parsed = parseMatrixMessage(type, content, noMentions);
      expect(parsed.kind).toBe("rejected");
      expect((parsed as { reason: string }).reason).toMatch(reason);
    }
  });
});

describe("relations", () => {
  it("finds reply targets and typed relations, ignoring malformed ones", () => {
    expect(replyTargetOf({ "m.relates_to": { "m.in_reply_to": { event_id: "$a" } } })).toBe("$a");
    expect(replyTargetOf({ "m.relates_to": "nonsense" })).toBeUndefined();
    expect(relationOf({ "m.relates_to": { rel_type: "m.annotation", event_id: "$a", key: "👍" } })).toEqual({ type: "m.annotation", eventId: "$a", key: "👍" });
    expect(relationOf({ "m.relates_to": { rel_type: "m.replace" } })).toBeUndefined();
  });
});
