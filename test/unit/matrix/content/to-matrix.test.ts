import { describe, expect, it } from "@jest/globals";
import { contactContent, editContent, locationContent, mediaContent } from "../../../../src/matrix/content/to-matrix.js";

const noMentions = { matrixUserFor: () => undefined };

describe("remote content as Matrix content", () => {
  it("gives files their msgtype and info, with the caption as body and the name as filename", () => {
    const { type, content } = mediaContent("image", "mxc://x/1", { mimeType: "image/png", fileName: "a.png", size: 3, width: 2, height: 1 }, { text: "look", entities: [] }, noMentions);
    expect(type).toBe("m.room.message");
    expect(content).toEqual({ msgtype: "m.image", url: "mxc://x/1", info: { mimetype: "image/png", size: 3, w: 2, h: 1 }, body: "look", filename: "a.png" });
  });

  it("marks voice notes as MSC3245 voice messages with duration and waveform", () => {
    const { content } = mediaContent("voice", "mxc://x/2", { mimeType: "audio/ogg", durationMs: 7000, waveform: [0, 512] }, undefined, noMentions);
    expect(content).toMatchObject({ msgtype: "m.audio", body: "voice message", "org.matrix.msc3245.voice": {}, "org.matrix.msc1767.audio": { duration: 7000, waveform: [0, 512] } });
  });

  it("sends stickers as m.sticker events", () => {
    const { type, content } = mediaContent("sticker", "mxc://x/3", { mimeType: "image/webp" }, undefined, noMentions);
    expect(type).toBe("m.sticker");
    expect(content).toEqual({ body: "sticker", url: "mxc://x/3", info: { mimetype: "image/webp" } });
  });

  it("shapes locations with a geo URI and contact cards as vCard files", () => {
    expect(locationContent({ kind: "location", latitude: 1.5, longitude: -2, name: "Cafe" })).toMatchObject({ msgtype: "m.location", geo_uri: "geo:1.5,-2", body: "Location: Cafe (geo:1.5,-2)" });
    expect(contactContent("Carol Smith", "mxc://x/v", 40)).toEqual({ msgtype: "m.file", body: "Contact: Carol Smith", filename: "Carol Smith.vcf", url: "mxc://x/v", info: { mimetype: "text/vcard", size: 40 } });
  });

  it("wraps edits with m.new_content and a starred fallback", () => {
    const edit = editContent({ msgtype: "m.text", body: "new", format: "org.matrix.custom.html", formatted_body: "<b>new</b>" }, "$orig");
    expect(edit).toEqual({
      msgtype: "m.text",
      body: "* new",
      format: "org.matrix.custom.html",
      formatted_body: "* <b>new</b>",
      "m.new_content": { msgtype: "m.text", body: "new", format: "org.matrix.custom.html", formatted_body: "<b>new</b>" },
      "m.relates_to": { rel_type: "m.replace", event_id: "$orig" },
    });
  });
});
