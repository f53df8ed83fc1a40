import { describe, expect, it } from "@jest/globals";
import { groupChangeEvents } from "../../../../src/connectors/instagram/changes.js";
import { codeFor, toNetworkError } from "../../../../src/connectors/instagram/errors.js";
import { clientContextFor, editIdFor, ghostId, newestItemId } from "../../../../src/connectors/instagram/ids.js";
import { itemBody, messageEvent } from "../../../../src/connectors/instagram/incoming.js";
import { isLike, voiceDuration, voiceWaveform } from "../../../../src/connectors/instagram/outgoing.js";
import { fromInstagram, toInstagram } from "../../../../src/connectors/instagram/text.js";
import { normaliseUsername } from "../../../../src/connectors/instagram/users.js";
import { SimnetRequestError } from "../../../../src/simnet/client/http.js";
import type { IgItem } from "../../../../src/simnet/instagram/protocol.js";

const viewer = { id: "17841400000000001", download: async () => Buffer.alloc(0) };
const item = (extra: Partial<IgItem>): IgItem => ({ item_id: "1767200000123000001", user_id: "17841400000000002", timestamp: 1767200000123000, item_type: "text", ...extra });

describe("instagram ids", () => {
  it("uses the pk as the ghost id", () => expect(ghostId("17841400000000002")).toBe("17841400000000002"));
  it("derives a valid client_context deterministically from any key", () => {
    const context = clientContextFor("$event:with spaces/and:colons");
    expect(context).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(clientContextFor("$event:with spaces/and:colons")).toBe(context);
    expect(clientContextFor("another")).not.toBe(context);
  });
  it("names edit versions by count and finds the newest item id numerically", () => {
    expect(editIdFor("5", 2)).toBe("5:edit:2");
    expect(newestItemId(["999", "1000", "998"])).toBe("1000");
  });
  it("normalises usernames typed with @ and capitals", () => expect(normaliseUsername(" @Alice.L ")).toBe("alice.l"));
});

describe("instagram text", () => {
  it("finds https and www links, leaving trailing punctuation out", () => {
    expect(fromInstagram("see https://example.com/a, or www.example.org.").entities).toEqual([
      { type: "link", offset: 4, length: 21, url: "https://example.com/a" },
      { type: "link", offset: 30, length: 15, url: "https://www.example.org" },
    ]);
  });
  it("writes a labelled link as label (url) and a bare one as it is", () => {
    expect(toInstagram({ text: "the site and https://a.example", entities: [{ type: "link", offset: 4, length: 4, url: "https://b.example/" }, { type: "link", offset: 13, length: 17, url: "https://a.example" }] })).toBe(
      "the site (https://b.example/) and https://a.example",
    );
  });
});

describe("instagram items", () => {
  it("makes a like item a heart message and a link item its text", () => {
    expect(itemBody(item({ item_type: "like", like: "❤️" }), viewer)).toEqual({ kind: "text", text: { text: "❤️", entities: [] } });
    expect(itemBody(item({ item_type: "link", link: { text: "https://x.example", link_context: { link_url: "https://x.example", link_title: "x", link_summary: "x" } } }), viewer)).toMatchObject({ kind: "text", text: { entities: [{ type: "link" }] } });
  });
  it("scales voice waveforms to 0..1024 and keeps the duration", () => {
    const voice = item({ item_type: "voice_media", voice_media: { media: { id: "1", media_type: 11, audio: { audio_src: "/u/1/", duration: 1500, waveform_data: [0, 0.5, 1], waveform_sampling_frequency_hz: 10 } } } });
    expect(itemBody(voice, viewer)).toMatchObject({ kind: "media", media: "voice", file: { durationMs: 1500, waveform: [0, 512, 1024] } });
  });
  it("skips action logs and says isMe for the viewer's own items, with reply and ms timestamps", () => {
    expect(itemBody(item({ item_type: "action_log", action_log: { description: "x" } }), viewer)).toBeUndefined();
    const event = messageEvent({ id: "t", kind: "direct" }, item({ user_id: viewer.id, text: "hi", replied_to_message: { item_id: "9", user_id: "2" } }), viewer);
    expect(event).toMatchObject({ sender: { isMe: true }, timestamp: 1767200000123, replyTo: { id: "9", sender: "2" } });
  });
});

describe("instagram outgoing helpers", () => {
  it("treats a lone heart as a like", () => {
    expect(isLike("❤️")).toBe(true);
    expect(isLike("❤️ you")).toBe(false);
  });
  it("fits voice waveforms and durations into Instagram's limits", () => {
    expect(voiceWaveform({ data: Buffer.alloc(0), mimeType: "audio/ogg", waveform: Array(1200).fill(1024) })).toHaveLength(600);
    expect(voiceDuration({ data: Buffer.alloc(0), mimeType: "audio/ogg", durationMs: 120_000 })).toBe(60_000);
  });
});

describe("instagram errors", () => {
  it("maps statuses and error types to NetworkError codes", () => {
    expect(codeFor(401, "login_required")).toBe("logged_out");
    expect(codeFor(400, "edit_window_expired")).toBe("window_expired");
    expect(codeFor(400, "text_too_long")).toBe("too_large");
    expect(codeFor(403, "not_sender")).toBe("forbidden");
    expect(codeFor(404, "thread_not_found")).toBe("not_found");
    expect(codeFor(413, "media_too_large")).toBe("too_large");
    expect(codeFor(429, "feedback_required")).toBe("rate_limited");
    expect(codeFor(400, "invalid_argument")).toBe("invalid");
    expect(codeFor(503, "unavailable")).toBe("transient");
  });
  it("carries Retry-After as retryAfterMs and treats network failures as transient", () => {
    expect(toNetworkError(new SimnetRequestError(429, "feedback_required", "Try again later", {}, 30)).retryAfterMs).toBe(30_000);
    expect(toNetworkError(new Error("ECONNRESET")).code).toBe("transient");
  });
});

describe("instagram group changes", () => {
  it("tells renames, additions, leaving, removals and admin changes apart", () => {
    const before = { id: "g", kind: "group" as const, title: "Tea", others: ["b", "c", "d"], admins: ["a"] };
    const after = { ...before, title: "Tea party", others: ["b", "e"], admins: ["a", "b"] };
    const events = groupChangeEvents(before, after, "a", "c", 1);
    expect(events.map((e) => e.type)).toEqual(["chat-info", "membership", "membership", "membership", "admins"]);
    expect(events[1]).toMatchObject({ action: "add", members: ["e"] });
    expect(events[2]).toMatchObject({ action: "leave", members: ["c"] });
    expect(events[3]).toMatchObject({ action: "remove", members: ["d"] });
    expect(events[4]).toMatchObject({ promoted: ["b"], demoted: [] });
  });
});
