import { describe, expect, it } from "@jest/globals";
import { z } from "zod";
import { openSimnetDatabase } from "../../../src/simnet/core/database.js";
import { decodeBase64, mediaSchema, MediaStore } from "../../../src/simnet/core/media.js";
import { ProtocolError } from "../../../src/simnet/core/protocol-error.js";
import { parseFrame } from "../../../src/simnet/core/realtime.js";
import { parse } from "../../../src/simnet/core/validate.js";

function refusal(work: () => unknown): ProtocolError {
  try {
    work();
  } catch (error) {
    if (error instanceof ProtocolError) return error;
    throw error;
  }
  throw new Error("expected a ProtocolError");
}

describe("media", () => {
  it("decodes base64 within the limit and refuses one byte more with 413", () => {
    expect(decodeBase64(Buffer.from("hello").toString("base64"), 5)).toEqual(Buffer.from("hello"));
    const error = refusal(() => decodeBase64(Buffer.from("hello!").toString("base64"), 5));
    expect([error.status, error.code]).toEqual([413, "media_too_large"]);
  });

  it("refuses text that is not base64", () => {
    expect(refusal(() => decodeBase64("not base64!", 100)).code).toBe("invalid_media");
    expect(refusal(() => decodeBase64("abc", 100)).code).toBe("invalid_media");
  });

  it("stores bytes and serves them back by id, and names a missing id", () => {
    const store = new MediaStore(openSimnetDatabase(":memory:", [mediaSchema]), () => 0);
    const stored = store.put("alice", "image/png", Buffer.from([1, 2, 3]));
    expect(store.require(stored.id)).toMatchObject({ owner: "alice", mime: "image/png", size: 3, data: Buffer.from([1, 2, 3]) });
    expect(refusal(() => store.require("m-nope")).message).toContain("m-nope");
  });
});

describe("request validation", () => {
  const schema = z.object({ text: z.string().max(5), count: z.number().int() });

  it("returns the parsed body when it fits", () => {
    expect(parse(schema, { text: "hi", count: 2 })).toEqual({ text: "hi", count: 2 });
  });

  it("refuses with one 400 that names every wrong field", () => {
    const error = refusal(() => parse(schema, { text: "too long", count: "2" }));
    expect([error.status, error.code]).toEqual([400, "invalid_argument"]);
    expect(error.message).toMatch(/text:.*count:/);
  });
});

describe("realtime frames", () => {
  const frame = (text: string) => parseFrame(Buffer.from(text), false);

  it("accepts a JSON object with a string type", () => {
    expect(frame('{"type":"ack","seq":3}')).toEqual({ type: "ack", seq: 3 });
  });

  it.each([
    ["not JSON", "{"],
    ["an array", "[1]"],
    ["a number", "3"],
    ["an object without a type", '{"seq":3}'],
    ["an object with a numeric type", '{"type":3}'],
  ])("refuses %s as a malformed frame", (_what, text) => {
    expect(refusal(() => frame(text)).code).toBe("malformed_frame");
  });

  it("refuses binary frames", () => {
    expect(refusal(() => parseFrame(Buffer.from("{}"), true)).code).toBe("binary_frame");
  });
});
