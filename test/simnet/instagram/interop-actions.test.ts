/**
 * What an identity does in a third-party chat, under Instagram's rules for anyone: texts, links
 * and likes (idempotent by key), replies within the chat, photos, videos and voice messages and
 * nothing else, edits of its own texts within 15 minutes, one reaction per item, unsends at any
 * time, seen markers and typing, and rate limits per identity answered `feedback_required`.
 * And what a user does there reaches the provider as that user.
 */
import { describe, expect, it } from "@jest/globals";
import { FILES, Harness, testNetwork } from "./harness.js";
import { connectProvider, directScene, identity, native, optedIn } from "./interop-harness.js";

describe("instagram third-party chats: what an identity does", () => {
  it("sends texts, links and likes that reach the user, and the same key answers the first send again", async () => {
    const h = await Harness.start();
    const { p, alice, chat } = await directScene(h);
    const aliceEvents = await h.listen(alice);
    const first = await p.api.send(chat.id, "ms.ivy", { text: "see https://example.com/tea-party" }, "matrix:$event1");
    expect(first.id).toMatch(/^\d{19}$/);
    expect(Math.abs(first.at - Date.now())).toBeLessThan(5000);
    expect(await p.api.send(chat.id, "ms.ivy", { text: "see https://example.com/tea-party" }, "matrix:$event1")).toEqual(first);
    const [item] = await aliceEvents.until((e) => e.type === "item" && e.item.item_id === first.id);
    expect(item).toMatchObject({ item: { item_type: "link", link: { link_context: { link_title: "Tea party" } } } });
    const like = await p.api.api.broadcast("like", "ms.ivy", chat.id, "like-1", {});
    expect((await alice.thread(chat.id)).items.find((i) => i.item_id === like.item_id)).toMatchObject({ item_type: "like", third_party_sender: { id: "ms.ivy" } });
    expect((await h.admin.items(chat.id)).filter((i) => i.user_id !== alice.userId).map((i) => i.item_type)).toEqual(["link", "like"]);
    await expect(p.api.send(chat.id, "ms.ivy", { text: "x".repeat(1001) }, "long")).rejects.toMatchObject({ code: "text_too_long" });
    await expect(p.api.send(chat.id, "ms.ivy", {}, "empty")).rejects.toMatchObject({ code: "empty_text" });
  });

  it("replies to an item of the same chat only", async () => {
    const h = await Harness.start();
    const { p, alice, chat } = await directScene(h);
    const mine = await alice.sendText(chat.id, "question?");
    const reply = await p.api.send(chat.id, "ms.ivy", { text: "answer", replyTo: mine.item_id }, "r1");
    expect((await alice.thread(chat.id)).items.find((i) => i.item_id === reply.id)?.replied_to_message).toMatchObject({ item_id: mine.item_id, text: "question?" });
    await h.account("bob");
    const elsewhere = await alice.sendText((await alice.directThread({ username: "bob" })).thread_id, "other");
    await expect(p.api.send(chat.id, "ms.ivy", { text: "x", replyTo: elsewhere.item_id }, "r2")).rejects.toMatchObject({ code: "replied_to_item_not_found" });
  });

  it("sends photos, videos and voice messages the user can download, and refuses what Instagram does not carry", async () => {
    const h = await Harness.start();
    const { p, alice, chat } = await directScene(h);
    const photo = await p.api.send(chat.id, "ms.ivy", { media: { kind: "image", mimeType: "image/png", data: FILES.png } }, "photo");
    const video = await p.api.send(chat.id, "ms.ivy", { media: { kind: "video", mimeType: "video/mp4", data: FILES.mp4 } }, "video");
    const voice = await p.api.send(chat.id, "ms.ivy", { media: { kind: "audio", mimeType: "audio/mp4", data: FILES.m4a, durationMs: 2500 } }, "voice");
    const items = (await alice.thread(chat.id)).items;
    const byId = (id: string) => items.find((i) => i.item_id === id)!;
    expect(byId(photo.id)).toMatchObject({ item_type: "media", media: { media_type: 1, mime: "image/png" } });
    expect((await alice.download(byId(photo.id).media!.url)).data.equals(FILES.png)).toBe(true);
    expect(byId(video.id)).toMatchObject({ item_type: "media", media: { media_type: 2, mime: "video/mp4" } });
    expect(byId(voice.id).voice_media?.media.audio).toMatchObject({ duration: 2500, waveform_sampling_frequency_hz: 10 });
    expect(byId(voice.id).voice_media?.media.audio.waveform_data).toHaveLength(25);

    const refuse = (body: Parameters<typeof p.api.send>[2], code: string) => expect(p.api.send(chat.id, "ms.ivy", body, `refused-${code}`)).rejects.toMatchObject({ code });
    await refuse({ media: { kind: "file", mimeType: "application/pdf", fileName: "a.pdf", data: Buffer.from("%PDF-1.4") } }, "unsupported_media_type");
    await refuse({ media: { kind: "image", mimeType: "image/png", data: Buffer.from("not a picture") } }, "unsupported_media_type");
    await refuse({ media: { kind: "audio", mimeType: "audio/mp4", data: FILES.m4a } }, "invalid_duration");
    await refuse({ text: "the view", media: { kind: "image", mimeType: "image/png", data: FILES.png } }, "caption_not_supported");
    const huge = Buffer.alloc(8 * 1024 * 1024 + 1);
    FILES.png.copy(huge);
    await refuse({ media: { kind: "image", mimeType: "image/png", data: huge } }, "media_too_large");
  });

  it("edits its own texts within 15 minutes of sending, never later and never someone else's", async () => {
    const h = await Harness.start();
    const { p, alice, chat } = await directScene(h);
    const aliceEvents = await h.listen(alice);
    const sent = await p.api.send(chat.id, "ms.ivy", { text: "tpyo" }, "e1");
    await p.api.edit(chat.id, "ms.ivy", sent.id, "typo");
    const [edited] = await aliceEvents.until((e) => e.type === "item_updated" && e.item.item_id === sent.id);
    expect(edited).toMatchObject({ item: { text: "typo", edit_count: 1, third_party_sender: { id: "ms.ivy" } } });
    const hers = await alice.sendText(chat.id, "mine");
    await expect(p.api.edit(chat.id, "ms.ivy", hers.item_id, "ours")).rejects.toMatchObject({ status: 403, code: "not_sender" });
    h.clock.offsetMs += 15 * 60_000 + 1000;
    await expect(p.api.edit(chat.id, "ms.ivy", sent.id, "too late")).rejects.toMatchObject({ code: "edit_window_expired" });
  });

  it("has one reaction per item: a new one replaces it and null removes it", async () => {
    const h = await Harness.start();
    const { p, alice, chat } = await directScene(h);
    const aliceEvents = await h.listen(alice);
    const hers = await alice.sendText(chat.id, "react to me");
    await p.api.react(chat.id, "ms.ivy", hers.item_id, "👍");
    await p.api.react(chat.id, "ms.ivy", hers.item_id, "😂");
    let [item] = (await h.admin.items(chat.id)).filter((i) => i.item_id === hers.item_id);
    expect(item!.reactions?.emojis.map((r) => r.emoji)).toEqual(["😂"]);
    await p.api.react(chat.id, "ms.ivy", hers.item_id, null);
    [item] = (await h.admin.items(chat.id)).filter((i) => i.item_id === hers.item_id);
    expect(item!.reactions).toBeUndefined();
    const reactions = await aliceEvents.until((e) => e.type === "reaction", 3);
    expect(reactions.map((e) => (e.type === "reaction" ? [e.emoji, e.thirdParty?.id] : []))).toEqual([
      ["👍", "ms.ivy"],
      ["😂", "ms.ivy"],
      [null, "ms.ivy"],
    ]);
    await expect(p.api.react(chat.id, "ms.ivy", hers.item_id, "not an emoji")).rejects.toMatchObject({ code: "invalid_emoji" });
  });

  it("unsends its own items at any time, never the user's", async () => {
    const h = await Harness.start();
    const { p, alice, chat } = await directScene(h);
    const sent = await p.api.send(chat.id, "ms.ivy", { text: "oops" }, "u1");
    const hers = await alice.sendText(chat.id, "keep");
    await expect(p.api.delete(chat.id, "ms.ivy", hers.item_id)).rejects.toMatchObject({ code: "not_sender" });
    h.clock.offsetMs += 30 * 24 * 3600_000;
    await p.api.delete(chat.id, "ms.ivy", sent.id);
    expect((await alice.thread(chat.id)).items.map((i) => i.item_id)).not.toContain(sent.id);
    expect((await p.until("delete")).id).toBe(sent.id);
  });

  it("marks items seen and types, both shown to the user as the identity's", async () => {
    const h = await Harness.start();
    const { p, alice, chat } = await directScene(h);
    const aliceEvents = await h.listen(alice);
    const hers = await alice.sendText(chat.id, "read me");
    await p.api.markRead(chat.id, "ms.ivy", hers.item_id);
    const [seen] = await aliceEvents.until((e) => e.type === "seen");
    expect(seen).toMatchObject({ itemId: hers.item_id, thirdParty: { id: "ms.ivy", network: "messenger" } });
    await p.api.typing(chat.id, "ms.ivy", true);
    const [typing] = await aliceEvents.until((e) => e.type === "typing");
    expect(typing).toMatchObject({ active: true, thirdParty: { id: "ms.ivy" } });
    expect(Object.values((await alice.thread(chat.id)).last_seen_at)).toContainEqual(expect.objectContaining({ item_id: hers.item_id }));
  });

  it("limits each identity as Instagram limits an account, with feedback_required, without touching other identities or the user", async () => {
    const h = await Harness.start(testNetwork({ rateLimits: { sendsPerMinute: 3, actionsPerMinute: 3 } }));
    const p = await connectProvider(h);
    const alice = await optedIn(h, "alice");
    await p.api.publishIdentity({ id: "a", name: "A", network: "matrix", handle: "a" });
    await p.api.publishIdentity({ id: "b", name: "B", network: "matrix", handle: "b" });
    const chat = await p.api.createChat({ kind: "group", creator: "a", members: [native(alice.userId), identity("b")] });
    for (const n of [1, 2, 3]) await p.api.send(chat.id, "a", { text: `a${n}` }, `a${n}`);
    const refused = await p.api.send(chat.id, "a", { text: "a4" }, "a4").catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 429, code: "feedback_required", retryAfter: expect.any(Number) });
    expect((refused as { body: unknown }).body).toMatchObject({ message: "feedback_required", spam: true, feedback_title: "Try Again Later" });
    // A replayed key costs nothing and still answers.
    await p.api.send(chat.id, "a", { text: "a1" }, "a1");
    await p.api.send(chat.id, "b", { text: "b1" }, "b1");
    await alice.sendText(chat.id, "me too");
    const [first] = (await h.admin.items(chat.id)).filter((i) => i.text === "a1");
    // Making the group was the first of a's three actions.
    await p.api.react(chat.id, "a", first!.item_id, "👍");
    await p.api.react(chat.id, "a", first!.item_id, "😂");
    await expect(p.api.react(chat.id, "a", first!.item_id, "🎉")).rejects.toMatchObject({ code: "feedback_required" });
  });
});

describe("instagram third-party chats: what the user does reaches the provider", () => {
  it("as that user: messages with replies and files, edits, reactions, unsends and seen markers", async () => {
    const h = await Harness.start();
    const { p, alice, chat } = await directScene(h);
    const from = native(alice.userId);
    const sent = await p.api.send(chat.id, "ms.ivy", { text: "hi Alice" }, "s1");
    const answer = await alice.sendText(chat.id, "hi Ivy", { replyTo: sent.id });
    const message = await p.until("message", (e) => e.id === answer.item_id);
    expect(message).toEqual({ type: "message", chat: chat.id, id: answer.item_id, sender: from, at: Math.floor(answer.timestamp / 1000), body: { text: "hi Ivy", replyTo: sent.id } });

    const upload = await alice.upload("photo", FILES.jpeg);
    const photo = await alice.sendMedia(chat.id, upload.upload_id, "photo");
    const withFile = await p.until("message", (e) => e.id === photo.item_id);
    expect(withFile.body.media).toMatchObject({ kind: "image", mimeType: "image/jpeg" });
    expect((await withFile.body.media!.download()).equals(FILES.jpeg)).toBe(true);
    await alice.sendLike(chat.id);
    expect((await p.until("message", (e) => e.body.text === "❤️")).sender).toEqual(from);

    await alice.edit(chat.id, answer.item_id, "hi, Ivy");
    expect(await p.until("edit")).toMatchObject({ chat: chat.id, id: answer.item_id, sender: from, text: "hi, Ivy" });
    await alice.react(chat.id, sent.id, "❤️");
    expect(await p.until("reaction")).toMatchObject({ id: sent.id, sender: from, emoji: "❤️" });
    await alice.react(chat.id, sent.id, null);
    await p.until("reaction", (e) => e.emoji === null);
    await alice.markSeen(chat.id, sent.id);
    expect(await p.until("read")).toMatchObject({ chat: chat.id, upTo: sent.id, reader: from });
    await alice.unsend(chat.id, answer.item_id);
    expect(await p.until("delete")).toMatchObject({ id: answer.item_id, sender: from });
    await alice.typing(chat.id, true);
    expect(await p.until("typing")).toEqual({ type: "typing", chat: chat.id, who: from, typing: true });
  });

  it("shared posts reach the provider as their link and caption", async () => {
    const h = await Harness.start();
    const { p, alice, chat } = await directScene(h);
    const post = await h.admin.createPost({ owner: "alice", kind: "post", caption: "sunset" });
    const shared = await alice.share(chat.id, post.id, "post");
    const received = await p.until("message", (e) => e.id === shared.item_id);
    expect(received.body.text).toBe(`https://www.instagram.com/p/${post.code}/ sunset`);
  });
});
