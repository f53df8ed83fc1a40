/** Message kinds and their rules: text, mentions, replies, stickers, attachments, idempotent sends. */
import { describe, expect, it } from "@jest/globals";
import { createMessengerNetwork } from "../../../src/simnet/messenger/index.js";
import { newOfflineThreadingId } from "../../../src/simnet/messenger/client/index.js";
import { refusal, useMessenger } from "./harness.js";

const start = useMessenger(createMessengerNetwork({ maxAttachmentBytes: 4096, rateLimits: { sendsPerMinute: 1000 } }));



describe("messenger messages", () => {
  it("gives a sent text a mid.$ id and the server's timestamp, and keeps it in the thread's history", async () => {
    const world = await start();
    const { alice, bob, toBob } = await world.pair();
    const before = Date.now();
    const sent = await alice.api.send(toBob, { text: "hello" });
    expect(sent.message_id).toMatch(/^mid\.\$[A-Za-z0-9_-]{20}$/);
    expect(sent.timestamp).toBeGreaterThanOrEqual(before);
    expect(sent.thread_id).toBe(toBob);
    const { messages } = await bob.client.api.messages(alice.accountId);
    expect(messages).toEqual([
      expect.objectContaining({ id: sent.message_id, thread_id: alice.accountId, sender_id: alice.accountId, text: "hello", timestamp: sent.timestamp, unsent: false }),
    ]);
  });

  it("pages history backwards, oldest first within a page", async () => {
    const world = await start();
    const { alice, toBob } = await world.pair();
    for (const text of ["1", "2", "3", "4", "5"]) await alice.api.send(toBob, { text });
    const newest = await alice.api.messages(toBob, { limit: 2 });
    expect(newest.messages.map((m) => m.text)).toEqual(["4", "5"]);
    const older = await alice.api.messages(toBob, { limit: 2, before: newest.next_before! });
    expect(older.messages.map((m) => m.text)).toEqual(["2", "3"]);
  });

  it("accepts 20,000 UTF-16 units of text and refuses one more", async () => {
    const world = await start();
    const { alice, toBob } = await world.pair();
    await alice.api.send(toBob, { text: "é".repeat(20_000) });
    expect(await refusal(alice.api.send(toBob, { text: "x".repeat(20_001) }))).toEqual([400, "text_too_long"]);
    expect(await refusal(alice.api.send(toBob, { text: "" }))).toEqual([400, "empty_message"]);
  });

  it("keeps mention ranges counted in UTF-16 units and delivers them", async () => {
    const world = await start();
    const { alice, bob, toBob } = await world.pair();
    const text = "😀 hi Bob!";
    const mentions = [{ offset: 6, length: 3, user_id: toBob }];
    expect(text.slice(6, 9)).toBe("Bob");
    await alice.api.send(toBob, { text, mentions });
    expect((await bob.deltas.next("new_message")).message.mentions).toEqual(mentions);
  });

  it("refuses mentions outside the text, overlapping each other, or naming someone not in the thread", async () => {
    const world = await start();
    const { alice, toBob } = await world.pair();
    const carol = await world.user("Carol");
    const send = (mentions: { offset: number; length: number; user_id: string }[]) => alice.api.send(toBob, { text: "hey Bob", mentions });
    expect(await refusal(send([{ offset: 4, length: 4, user_id: toBob }]))).toEqual([400, "invalid_mention"]);
    expect(
      await refusal(
        send([
          { offset: 0, length: 3, user_id: toBob },
          { offset: 2, length: 3, user_id: alice.accountId },
        ]),
      ),
    ).toEqual([400, "invalid_mention"]);
    expect(await refusal(send([{ offset: 4, length: 3, user_id: carol.account.id }]))).toEqual([400, "invalid_mention"]);
    expect(await refusal(send([{ offset: -1, length: 3, user_id: toBob }]))).toEqual([400, "invalid_argument"]);
  });

  it("replies to a message of the same thread only, and not to an unsent one", async () => {
    const world = await start();
    const { alice, bob, toBob } = await world.pair();
    const carol = await world.user("Carol");
    const original = await alice.api.send(toBob, { text: "question?" });
    const elsewhere = await alice.api.send(carol.account.id, { text: "other thread" });
    const reply = await bob.client.api.send(alice.accountId, { text: "answer", replyTo: original.message_id });
    expect((await alice.api.messages(toBob)).messages.find((m) => m.id === reply.message_id)?.reply_to).toBe(original.message_id);
    expect(await refusal(bob.client.api.send(alice.accountId, { text: "x", replyTo: elsewhere.message_id }))).toEqual([404, "reply_not_found"]);
    expect(await refusal(bob.client.api.send(alice.accountId, { text: "x", replyTo: "mid.$nothing" }))).toEqual([404, "reply_not_found"]);
    await alice.api.unsend(original.message_id);
    expect(await refusal(bob.client.api.send(alice.accountId, { text: "x", replyTo: original.message_id }))).toEqual([409, "message_unsent"]);
  });

  it("serves a sticker catalog and sends stickers from it, on their own", async () => {
    const world = await start();
    const { alice, bob, toBob } = await world.pair();
    const { packs, stickers } = await alice.api.stickers();
    expect(stickers.length).toBeGreaterThanOrEqual(10);
    expect(stickers.length).toBeLessThanOrEqual(20);
    for (const sticker of stickers) {
      expect(sticker.id).toMatch(/^\d+$/);
      expect(packs.map((p) => p.id)).toContain(sticker.pack_id);
      expect(sticker.image_uri).toMatch(/^data:image\/svg\+xml;base64,/);
    }
    const like = stickers.find((s) => s.id === "369239263222822")!;
    expect(like.label).toBe("thumbs up");
    await alice.api.send(toBob, { stickerId: like.id });
    expect((await bob.deltas.next("new_message")).message).toMatchObject({ sticker_id: like.id, text: null });
    expect(await refusal(alice.api.send(toBob, { stickerId: "123" }))).toEqual([404, "unknown_sticker"]);
    expect(await refusal(alice.api.send(toBob, { stickerId: like.id, text: "and words" }))).toEqual([400, "invalid_argument"]);
  });

  it("uploads attachments of each kind, sends them with a caption, and lets the recipient download the same bytes", async () => {
    const world = await start();
    const { alice, bob, toBob } = await world.pair();
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const image = await alice.api.upload({ kind: "image", mime: "image/png", data: bytes, filename: "dot.png" });
    const audio = await alice.api.upload({ kind: "audio", mime: "audio/mp4", data: Buffer.from("voice") });
    const file = await alice.api.upload({ kind: "file", mime: "application/pdf", data: Buffer.from("%PDF") });
    expect(image).toMatchObject({ kind: "image", mime: "image/png", size: 7, filename: "dot.png" });
    await alice.api.send(toBob, { text: "look", attachmentIds: [image.id, audio.id, file.id] });
    const delivered = (await bob.deltas.next("new_message")).message;
    expect(delivered.attachments.map((a) => a.kind)).toEqual(["image", "audio", "file"]);
    const download = await bob.client.api.download(delivered.attachments[0]!.id);
    expect(download.data.equals(bytes)).toBe(true);
  });

  it("refuses attachments over the size limit, of the wrong kind, or not uploaded by the sender", async () => {
    const world = await start();
    const { alice, bob, toBob } = await world.pair();
    expect(await refusal(alice.api.upload({ kind: "image", mime: "image/png", data: Buffer.alloc(4097) }))).toEqual([413, "media_too_large"]);
    expect(await refusal(alice.api.upload({ kind: "video", mime: "image/png", data: Buffer.from("x") }))).toEqual([400, "attachment_kind_mismatch"]);
    const bobs = await bob.client.api.upload({ kind: "image", mime: "image/gif", data: Buffer.from("GIF89a") });
    expect(await refusal(alice.api.send(toBob, { attachmentIds: [bobs.id] }))).toEqual([404, "attachment_not_found"]);
  });

  it("treats a retried send with the same offline threading id as the same message", async () => {
    const world = await start();
    const { alice, bob, toBob } = await world.pair();
    const otid = newOfflineThreadingId();
    const first = await alice.api.send(toBob, { text: "once" }, otid);
    const retry = await alice.api.send(toBob, { text: "once" }, otid);
    expect(retry).toEqual(first);
    await alice.api.send(toBob, { text: "next" });
    await bob.deltas.count(2);
    expect(bob.deltas.ofType("new_message").map((d) => d.message.text)).toEqual(["once", "next"]);
    const key = [alice.accountId, toBob].sort().join(":");
    expect((await world.admin.threadMessages(key)).map((m) => m.text)).toEqual(["once", "next"]);
  });

  it("makes offline threading ids that only grow, so a burst of sends within a millisecond never collides", async () => {
    const world = await start();
    const { alice } = await world.pair();
    const ids = Array.from({ length: 2000 }, () => BigInt(alice.api.offlineThreadingId()));
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
  });

  it("refuses threads that cannot exist: yourself, unknown people, malformed ids", async () => {
    const world = await start();
    const { alice } = await world.pair();
    expect(await refusal(alice.api.send(alice.accountId, { text: "me" }))).toEqual([400, "cannot_message_self"]);
    expect(await refusal(alice.api.send("100000000099999", { text: "?" }))).toEqual([404, "thread_not_found"]);
    expect(await refusal(alice.api.send("not-a-number", { text: "?" }))).toEqual([400, "invalid_argument"]);
    expect(await refusal(alice.api.send("1", { text: "no otid" }, "abc"))).toEqual([400, "invalid_argument"]);
  });
});
