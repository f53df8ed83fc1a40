/**
 * Every kind of Instagram item and its rules: text and its limit, links with previews, the
 * heart like, photos, videos and voice messages (types from the bytes, size limits), shared
 * posts and reels, story replies, replies, reactions, edits, unsends, seen markers and typing.
 */
import { beforeEach, describe, expect, it } from "@jest/globals";
import type { InstagramClient } from "../../../src/simnet/instagram/client/client.js";
import type { IgThread } from "../../../src/simnet/instagram/protocol.js";
import { FILES, Harness, type Collector } from "./harness.js";

let h: Harness;
let alice: InstagramClient;
let bob: InstagramClient;
let thread: IgThread;

beforeEach(async () => {
  h = await Harness.start();
  alice = await h.user("alice");
  bob = await h.user("bob");
  thread = await alice.directThread({ username: "bob" });
});

const itemAdded = (collector: Collector, itemId: string) => collector.until((e) => e.type === "item" && e.item.item_id === itemId);

describe("instagram items", () => {
  it("sends text with a server id and timestamp in microseconds, to both sides", async () => {
    const bobEvents = await h.listen(bob);
    const before = Date.now() * 1000;
    const item = await alice.sendText(thread.thread_id, "hello bob");
    expect(item).toMatchObject({ item_type: "text", text: "hello bob", user_id: alice.userId, is_sent_by_viewer: true });
    expect(item.item_id).toMatch(/^\d{19}$/);
    expect(item.timestamp).toBeGreaterThanOrEqual(before - 1000);
    const [event] = await itemAdded(bobEvents, item.item_id);
    expect(event).toMatchObject({ fromSelf: false, item: { text: "hello bob", is_sent_by_viewer: false, client_context: item.client_context } });
  });

  it("takes up to 1,000 characters (emoji count as one) and refuses more or nothing", async () => {
    expect((await alice.sendText(thread.thread_id, "😀".repeat(1000))).text).toHaveLength(2000);
    await expect(alice.sendText(thread.thread_id, "x".repeat(1001))).rejects.toMatchObject({ status: 400, code: "text_too_long" });
    await expect(alice.sendText(thread.thread_id, "   ")).rejects.toMatchObject({ code: "empty_text" });
  });

  it("turns text with a URL into a link item with a preview made from the URL", async () => {
    const item = await alice.sendText(thread.thread_id, "look: https://www.example.com/blog/hello-wonderland.html!");
    expect(item.item_type).toBe("link");
    expect(item.link).toEqual({
      text: "look: https://www.example.com/blog/hello-wonderland.html!",
      link_context: { link_url: "https://www.example.com/blog/hello-wonderland.html", link_title: "Hello wonderland", link_summary: "example.com" },
    });
    expect((await alice.sendText(thread.thread_id, "www.example.org")).link?.link_context).toMatchObject({ link_title: "example.org" });
  });

  it("sends the heart like as its own item type", async () => {
    const item = await alice.sendLike(thread.thread_id);
    expect(item).toMatchObject({ item_type: "like", like: "❤️" });
  });

  it("sends photos and videos the sender uploaded, typed from their bytes, downloadable by the other side", async () => {
    const photo = await alice.upload("photo", FILES.jpeg);
    expect(photo.mime).toBe("image/jpeg");
    const photoItem = await alice.sendMedia(thread.thread_id, photo.upload_id, "photo");
    expect(photoItem).toMatchObject({ item_type: "media", media: { id: photo.upload_id, media_type: 1, mime: "image/jpeg", size: FILES.jpeg.length } });
    expect((await bob.download(photoItem.media!.url)).data.equals(FILES.jpeg)).toBe(true);
    const video = await alice.upload("video", FILES.mp4);
    expect((await alice.sendMedia(thread.thread_id, video.upload_id, "video")).media).toMatchObject({ media_type: 2, mime: "video/mp4" });
    await expect(alice.sendMedia(thread.thread_id, video.upload_id, "photo")).rejects.toMatchObject({ code: "wrong_upload_kind" });
    await expect(bob.sendMedia(thread.thread_id, photo.upload_id, "photo")).rejects.toMatchObject({ code: "upload_not_found" });
  });

  it("refuses uploads of the wrong type or over the size limit", async () => {
    await expect(alice.upload("video", FILES.png)).rejects.toMatchObject({ status: 400, code: "unsupported_media_type" });
    await expect(alice.upload("photo", Buffer.from("plain text"))).rejects.toMatchObject({ code: "unsupported_media_type" });
    const huge = Buffer.alloc(8 * 1024 * 1024 + 1);
    FILES.png.copy(huge);
    await expect(alice.upload("photo", huge)).rejects.toMatchObject({ status: 413, code: "media_too_large" });
  });

  it("sends voice messages with their duration and waveform, up to a minute", async () => {
    const audio = await alice.upload("audio", FILES.m4a);
    const item = await alice.sendVoice(thread.thread_id, audio.upload_id, 4200, [0, 0.5, 1]);
    expect(item.item_type).toBe("voice_media");
    expect(item.voice_media!.media.audio).toMatchObject({ duration: 4200, waveform_data: [0, 0.5, 1], waveform_sampling_frequency_hz: 10 });
    await expect(alice.sendVoice(thread.thread_id, audio.upload_id, 60_001, [0.5])).rejects.toMatchObject({ code: "invalid_duration" });
    await expect(alice.sendVoice(thread.thread_id, audio.upload_id, 1000, [2])).rejects.toMatchObject({ code: "invalid_waveform" });
  });

  it("shares posts as media_share and reels as clip, each only as itself", async () => {
    const post = await h.admin.createPost({ owner: "bob", kind: "post", caption: "sunset" });
    expect(post.id).toBe(`${post.id.split("_")[0]}_${bob.userId}`);
    expect(post.url).toBe(`https://www.instagram.com/p/${post.code}/`);
    const reel = await bob.publish("reel", "dance");
    const shared = await alice.share(thread.thread_id, post.id, "post");
    expect(shared).toMatchObject({ item_type: "media_share", media_share: { id: post.id, user: { username: "bob" }, caption: { text: "sunset" }, product_type: "feed" } });
    expect((await alice.share(thread.thread_id, reel.id, "reel")).clip?.clip).toMatchObject({ id: reel.id, media_type: 2, product_type: "clips" });
    await expect(alice.share(thread.thread_id, reel.id, "post")).rejects.toMatchObject({ code: "wrong_media_kind" });
    await expect(alice.share(thread.thread_id, "1_1", "post")).rejects.toMatchObject({ status: 404, code: "media_not_found" });
  });

  it("replies to a live story of someone in the thread, as reel_share", async () => {
    const story = await bob.publish("story", "");
    const reply = await alice.replyToStory(thread.thread_id, story.id, "love this");
    expect(reply).toMatchObject({ item_type: "reel_share", reel_share: { text: "love this", type: "reply", reel_owner_id: bob.userId, media: { id: story.id } } });
    const carolStory = await (await h.user("carol")).publish("story");
    await expect(alice.replyToStory(thread.thread_id, carolStory.id, "hi")).rejects.toMatchObject({ code: "story_owner_not_in_thread" });
    await expect(bob.replyToStory(thread.thread_id, story.id, "my own")).rejects.toMatchObject({ code: "story_owner_not_in_thread" });
    h.clock.offsetMs += 24 * 3600_000;
    await expect(alice.replyToStory(thread.thread_id, story.id, "too late")).rejects.toMatchObject({ code: "story_expired" });
  });

  it("replies to an item of the same thread, showing what it answers", async () => {
    const original = await bob.sendText(thread.thread_id, "question?");
    const reply = await alice.sendText(thread.thread_id, "answer", { replyTo: original.item_id });
    expect(reply.replied_to_message).toEqual({ item_id: original.item_id, user_id: bob.userId, item_type: "text", text: "question?" });
    const elsewhere = await alice.directThread({ username: (await h.user("carol")).username });
    await expect(alice.sendText(elsewhere.thread_id, "x", { replyTo: original.item_id })).rejects.toMatchObject({ code: "replied_to_item_not_found" });
    await bob.unsend(thread.thread_id, original.item_id);
    expect((await alice.thread(thread.thread_id)).items[0]!.replied_to_message).toEqual({ item_id: original.item_id, is_unsent: true });
  });

  it("keeps one reaction per person per item, changeable and removable, announced to both", async () => {
    const item = await alice.sendText(thread.thread_id, "react to me");
    const aliceEvents = await h.listen(alice);
    expect(await bob.react(thread.thread_id, item.item_id, "😂")).toBe(true);
    expect(await bob.react(thread.thread_id, item.item_id, "😂")).toBe(false);
    await bob.react(thread.thread_id, item.item_id, "👍🏽");
    await alice.react(thread.thread_id, item.item_id);
    let stored = (await alice.thread(thread.thread_id)).items[0]!;
    expect(stored.reactions!.emojis.map((r) => [r.sender_id, r.emoji])).toEqual([
      [bob.userId, "👍🏽"],
      [alice.userId, "❤️"],
    ]);
    await bob.react(thread.thread_id, item.item_id, null);
    stored = (await alice.thread(thread.thread_id)).items[0]!;
    expect(stored.reactions!.emojis.map((r) => r.sender_id)).toEqual([alice.userId]);
    const reactions = await aliceEvents.until((e) => e.type === "reaction", 4);
    expect(reactions.map((e) => (e.type === "reaction" ? [e.userId === bob.userId ? "bob" : "alice", e.emoji] : []))).toEqual([
      ["bob", "😂"],
      ["bob", "👍🏽"],
      ["alice", "❤️"],
      ["bob", null],
    ]);
    await expect(bob.react(thread.thread_id, item.item_id, "not an emoji")).rejects.toMatchObject({ code: "invalid_emoji" });
    await expect(bob.react(thread.thread_id, item.item_id, "😂😂")).rejects.toMatchObject({ code: "invalid_emoji" });
  });

  it("lets only the sender edit text, within 15 minutes", async () => {
    const item = await alice.sendText(thread.thread_id, "typo");
    const bobEvents = await h.listen(bob);
    const edited = await alice.edit(thread.thread_id, item.item_id, "fixed, see https://example.com/fix");
    expect(edited).toMatchObject({ item_id: item.item_id, item_type: "link", edit_count: 1 });
    const [event] = await bobEvents.until((e) => e.type === "item_updated");
    expect(event).toMatchObject({ item: { item_id: item.item_id, edit_count: 1, link: { text: "fixed, see https://example.com/fix" } } });
    await expect(bob.edit(thread.thread_id, item.item_id, "mine now")).rejects.toMatchObject({ status: 403, code: "not_sender" });
    const like = await alice.sendLike(thread.thread_id);
    await expect(alice.edit(thread.thread_id, like.item_id, "text")).rejects.toMatchObject({ code: "not_editable" });
    h.clock.offsetMs += 15 * 60_000 + 1;
    await expect(alice.edit(thread.thread_id, item.item_id, "too late")).rejects.toMatchObject({ code: "edit_window_expired" });
  });

  it("lets only the sender unsend, at any time, removing the item for everyone", async () => {
    const item = await alice.sendText(thread.thread_id, "regret");
    const bobEvents = await h.listen(bob);
    await expect(bob.unsend(thread.thread_id, item.item_id)).rejects.toMatchObject({ code: "not_sender" });
    h.clock.offsetMs += 30 * 24 * 3600_000;
    await alice.unsend(thread.thread_id, item.item_id);
    const [event] = await bobEvents.until((e) => e.type === "item_removed");
    expect(event).toMatchObject({ threadId: thread.thread_id, itemId: item.item_id });
    expect((await bob.thread(thread.thread_id)).items).toEqual([]);
    await expect(alice.unsend(thread.thread_id, item.item_id)).rejects.toMatchObject({ status: 404, code: "item_not_found" });
  });

  it("marks items seen per thread, tells the others, and never moves back", async () => {
    const first = await alice.sendText(thread.thread_id, "one");
    const second = await alice.sendText(thread.thread_id, "two");
    const aliceEvents = await h.listen(alice);
    expect(await bob.markSeen(thread.thread_id, second.item_id)).toBe(true);
    expect(await bob.markSeen(thread.thread_id, first.item_id)).toBe(false);
    const [event] = await aliceEvents.until((e) => e.type === "seen");
    expect(event).toMatchObject({ threadId: thread.thread_id, userId: bob.userId, itemId: second.item_id });
    expect((await alice.thread(thread.thread_id)).last_seen_at[bob.userId]?.item_id).toBe(second.item_id);
    expect((await bob.inbox()).inbox.unseen_count).toBe(0);
  });

  it("shows typing to the others while connected, without storing it", async () => {
    const bobEvents = await h.listen(bob);
    await alice.typing(thread.thread_id, true);
    const [typing] = await bobEvents.until((e) => e.type === "typing");
    expect(typing).toMatchObject({ threadId: thread.thread_id, userId: alice.userId, active: true, ttlMs: 12_000 });
    expect(typing!.seqId).toBeUndefined();
    await alice.typing(thread.thread_id, false);
    await bobEvents.until((e) => e.type === "typing" && !e.active);
    const later = await h.listen(bob, { seqId: 0 });
    await alice.sendText(thread.thread_id, "marker");
    await later.until((e) => e.type === "item" && e.item.text === "marker");
    expect(later.of("typing")).toEqual([]);
  });
});
