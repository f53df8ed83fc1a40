import { describe, expect, it } from "@jest/globals";
import { NetworkError } from "../../../src/network/index.js";
import { FILES } from "../../simnet/instagram/harness.js";
import { aliceWithBridge, testNetwork } from "./support.js";

describe("instagram connector sending", () => {
  it("applies an edit tried again with the same key once, as after an answer that was lost", async () => {
    const { h, thread_id, session } = await aliceWithBridge();
    const sent = await session.send(thread_id, { body: { kind: "text", text: { text: "draft", entities: [] } } }, "k1");
    const first = await session.edit(thread_id, sent.id, { text: "final", entities: [] }, "edit-1");
    const retried = await session.edit(thread_id, sent.id, { text: "final", entities: [] }, "edit-1");
    expect(retried.id).toBe(first.id);
    expect((await h.admin.items(thread_id)).find((i) => i.item_id === sent.id)).toMatchObject({ text: "final", edit_count: 1 });
    await session.edit(thread_id, sent.id, { text: "final", entities: [] }, "edit-2");
    expect((await h.admin.items(thread_id)).find((i) => i.item_id === sent.id)?.edit_count).toBe(2);
  });

  it("sends text, a like for a lone heart, a reply, a photo and a voice message, as Bob sees them", async () => {
    const { h, bob, thread_id, session } = await aliceWithBridge();
    await session.start();
    const hello = await session.send(thread_id, { body: { kind: "text", text: { text: "hello", entities: [] } } }, "k1");
    await session.send(thread_id, { body: { kind: "text", text: { text: "❤️", entities: [] } } }, "k2");
    await session.send(thread_id, { body: { kind: "text", text: { text: "the site", entities: [{ type: "link", offset: 4, length: 4, url: "https://example.com/tea" }] } }, replyTo: { id: hello.id } }, "k3");
    await session.send(thread_id, { body: { kind: "media", media: "image", file: { data: FILES.png, mimeType: "image/png" } } }, "k4");
    await session.send(thread_id, { body: { kind: "media", media: "voice", file: { data: FILES.m4a, mimeType: "audio/mp4", durationMs: 2500, waveform: [0, 512, 1024] } } }, "k5");
    const items = (await h.admin.items(thread_id)).filter((i) => i.item_type !== "action_log");
    expect(items.map((i) => i.item_type)).toEqual(["text", "like", "link", "media", "voice_media"]);
    expect(items[2]).toMatchObject({ replied_to_message: { item_id: hello.id } });
    expect(items[2]?.link?.text).toBe("the site (https://example.com/tea)");
    expect(items[4]?.voice_media?.media.audio).toMatchObject({ duration: 2500, waveform_data: [0, 0.5, 1] });
    const seen = (await bob.thread(thread_id)).items;
    expect(seen[seen.length - 1]).toMatchObject({ item_id: hello.id, text: "hello" });
  });

  it("makes one message of a send retried with the same key", async () => {
    const { h, thread_id, session } = await aliceWithBridge();
    const message = { body: { kind: "text" as const, text: { text: "once", entities: [] } } };
    const first = await session.send(thread_id, message, "$event:retry");
    await session.start();
    const again = await session.send(thread_id, message, "$event:retry");
    expect(again.id).toBe(first.id);
    expect((await h.admin.items(thread_id)).filter((i) => i.text === "once")).toHaveLength(1);
  });

  it("edits, reacts, removes the reaction, unsends, marks seen and types, as Bob sees it", async () => {
    const { h, bob, thread_id, session } = await aliceWithBridge();
    const sent = await session.send(thread_id, { body: { kind: "text", text: { text: "draft", entities: [] } } }, "k1");
    const theirs = await bob.sendText(thread_id, "from bob");
    await session.edit(thread_id, sent.id, { text: "final", entities: [] }, "k2");
    await session.react(thread_id, theirs.item_id, "😂", "k3");
    expect((await h.admin.items(thread_id)).find((i) => i.item_id === theirs.item_id)?.reactions?.emojis).toMatchObject([{ emoji: "😂" }]);
    await session.removeReaction(thread_id, theirs.item_id, "k4");
    await session.markRead(thread_id, [sent.id, theirs.item_id]);
    await session.setTyping(thread_id, true);
    const items = await h.admin.items(thread_id);
    expect(items.find((i) => i.item_id === sent.id)).toMatchObject({ text: "final", edit_count: 1 });
    expect(items.find((i) => i.item_id === theirs.item_id)?.reactions?.emojis ?? []).toEqual([]);
    expect((await bob.thread(thread_id)).last_seen_at[session.remoteUserId]).toMatchObject({ item_id: theirs.item_id });
    await session.delete(thread_id, sent.id, "k5");
    expect((await h.admin.items(thread_id)).find((i) => i.item_id === sent.id)).toBeUndefined();
  });

  it("maps Instagram's refusals to error codes: not the sender, unknown thread, too long, unsupported", async () => {
    const { bob, thread_id, session } = await aliceWithBridge();
    const theirs = await bob.sendText(thread_id, "from bob");
    const code = (promise: Promise<unknown>) => promise.then(() => "ok", (error: unknown) => (error instanceof NetworkError ? error.code : String(error)));
    expect(await code(session.edit(thread_id, theirs.item_id, { text: "x", entities: [] }, "k"))).toBe("forbidden");
    expect(await code(session.send("340282366841710300949128000000000000001", { body: { kind: "text", text: { text: "x", entities: [] } } }, "k"))).toBe("not_found");
    expect(await code(session.send(thread_id, { body: { kind: "text", text: { text: "x".repeat(1001), entities: [] } } }, "k-long"))).toBe("too_large");
    expect(await code(session.send(thread_id, { body: { kind: "location", latitude: 1, longitude: 2 } }, "k"))).toBe("unsupported");
    expect(await code(session.setChatTopic(thread_id, "t"))).toBe("unsupported");
  });

  it("throws rate_limited with the wait when Instagram answers feedback_required", async () => {
    const { thread_id, session } = await aliceWithBridge(testNetwork({ rateLimits: { sendsPerMinute: 2 } }));
    const text = (t: string) => ({ body: { kind: "text" as const, text: { text: t, entities: [] } } });
    await session.send(thread_id, text("1"), "a");
    await session.send(thread_id, text("2"), "b");
    const error = await session.send(thread_id, text("3"), "c").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: "rate_limited" });
    expect((error as NetworkError).retryAfterMs).toBeGreaterThan(0);
  });
});
