import { describe, expect, it } from "@jest/globals";
import { realMimeType } from "../../../src/connectors/messenger/files.js";
import { keepMentionsOf } from "../../../src/connectors/messenger/markup.js";
import { GIF, PNG } from "./pictures.js";

describe("what goes to Messenger", () => {
  it("labels pictures by their bytes and anything else by its declared type", () => {
    expect(realMimeType({ data: PNG, mimeType: "application/octet-stream" })).toBe("image/png");
    expect(realMimeType({ data: GIF, mimeType: "image/jpeg" })).toBe("image/gif");
    expect(realMimeType({ data: Buffer.from([0xff, 0xd8, 0xff, 0xe0]), mimeType: "" })).toBe("image/jpeg");
    expect(realMimeType({ data: Buffer.from("RIFF\0\0\0\0WEBPVP8 "), mimeType: "image/png" })).toBe("image/webp");
    expect(realMimeType({ data: Buffer.from("%PDF-1.7"), mimeType: "application/pdf" })).toBe("application/pdf");
  });

  it("keeps mentions of thread members only, and at most 50, leaving the rest as text", () => {
    const members = new Set(["1", "2"]);
    const wire = { text: "ann bob cat", mentions: [{ offset: 0, length: 3, user_id: "1" }, { offset: 4, length: 3, user_id: "9" }, { offset: 8, length: 3, user_id: "2" }] };
    expect(keepMentionsOf(wire, members)).toEqual({ text: "ann bob cat", mentions: [wire.mentions[0], wire.mentions[2]] });
    const many = { text: "x".repeat(60), mentions: Array.from({ length: 60 }, (_, i) => ({ offset: i, length: 1, user_id: "1" })) };
    expect(keepMentionsOf(many, members).mentions).toEqual(many.mentions.slice(0, 50));
  });
});
