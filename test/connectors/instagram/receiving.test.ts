import { describe, expect, it } from "@jest/globals";
import type { RemoteEvent } from "../../../src/network/index.js";
import { FILES } from "../../simnet/instagram/harness.js";
import { aliceWithBridge } from "./support.js";

const textOf = (event: RemoteEvent) => (event.type === "message" && event.body.kind === "text" ? event.body.text.text : undefined);

describe("instagram connector receiving", () => {
  it("turns text, links, likes, replies and media into messages", async () => {
    const { alice, bob, thread_id, session, sink } = await aliceWithBridge();
    await session.start();
    const first = await bob.sendText(thread_id, "hello");
    await bob.sendText(thread_id, "see https://example.com/tea-party now", { replyTo: first.item_id });
    await bob.sendLike(thread_id);
    const upload = await bob.upload("photo", FILES.png);
    await bob.sendMedia(thread_id, upload.upload_id, "photo");
    const [hello, link, like, photo] = await sink.waitFor("message", 4);
    expect(hello).toMatchObject({ id: first.item_id, chat: { id: thread_id, kind: "direct" }, sender: { id: bob.userId, isMe: false }, body: { kind: "text", text: { text: "hello" } } });
    expect(link).toMatchObject({ replyTo: { id: first.item_id }, body: { text: { text: "see https://example.com/tea-party now", entities: [{ type: "link", offset: 4, url: "https://example.com/tea-party" }] } } });
    expect(textOf(like!)).toBe("❤️");
    expect(photo).toMatchObject({ body: { kind: "media", media: "image", file: { mimeType: "image/png" } } });
    if (photo?.body.kind !== "media") throw new Error("not media");
    expect(await photo.body.file.download()).toEqual(FILES.png);
    void alice;
  });

  it("describes shared posts, reels and story replies with their links", async () => {
    const { alice, bob, thread_id, session, sink } = await aliceWithBridge();
    await session.start();
    const post = await bob.publish("post", "Tea time");
    const reel = await bob.publish("reel", "Dancing");
    const story = await alice.publish("story", "My story");
    await bob.share(thread_id, post.id, "post");
    await bob.share(thread_id, reel.id, "reel");
    await bob.replyToStory(thread_id, story.id, "lovely");
    const texts = (await sink.waitFor("message", 3)).map(textOf);
    expect(texts[0]).toMatch(/^Shared a post by @bob: Tea time https:\/\/www\.instagram\.com\/p\/.+\/$/);
    expect(texts[1]).toMatch(/^Shared a reel by @bob: Dancing https:\/\/www\.instagram\.com\/reel\/.+\/$/);
    expect(texts[2]).toBe(`Replied to your story: lovely ${story.url}`);
  });

  it("reports reactions, edits, unsends, seen markers, typing and username changes", async () => {
    const { alice, bob, thread_id, session, sink } = await aliceWithBridge();
    await session.start();
    const mine = await alice.sendText(thread_id, "from alice");
    const theirs = await bob.sendText(thread_id, "from bob");
    await bob.react(thread_id, mine.item_id, "😂");
    await bob.react(thread_id, mine.item_id, null);
    await bob.edit(thread_id, theirs.item_id, "from Bob");
    await bob.markSeen(thread_id, mine.item_id);
    await bob.typing(thread_id, true);
    await bob.unsend(thread_id, theirs.item_id);
    await sink.waitFor("delete");
    expect(sink.ofType("message")[0]).toMatchObject({ id: mine.item_id, sender: { id: alice.userId, isMe: true } });
    expect(sink.ofType("reaction")[0]).toMatchObject({ target: mine.item_id, emoji: "😂", sender: { id: bob.userId } });
    expect(sink.ofType("reaction-removed")[0]).toMatchObject({ target: mine.item_id });
    expect(sink.ofType("edit")[0]).toMatchObject({ target: theirs.item_id, text: { text: "from Bob" } });
    expect(sink.ofType("receipt")[0]).toMatchObject({ kind: "read", targets: [mine.item_id], sender: { id: bob.userId } });
    expect(sink.ofType("delete")[0]).toMatchObject({ target: theirs.item_id, sender: { id: bob.userId } });
    await sink.waitFor("typing");
    expect(sink.ofType("typing")[0]).toMatchObject({ state: "typing", sender: { id: bob.userId } });
  });

  it("reports a username change as a profile event keyed by the pk", async () => {
    const { bob, thread_id, session, sink } = await aliceWithBridge();
    await session.start();
    await bob.sendText(thread_id, "hi");
    await sink.waitFor("message");
    await bob.editProfile({ username: "bobby", fullName: "" });
    const [profile] = await sink.waitFor("profile");
    expect(profile).toMatchObject({ user: bob.userId, name: "bobby", chat: { id: thread_id } });
  });

  it("reports a profile change of someone met only in a group through that group, also before seeing the thread", async () => {
    const { h, alice, session, sink } = await aliceWithBridge();
    const carol = await h.user("carol");
    const group = await alice.createGroup({ usernames: ["bob", "carol"] }, { title: "Tea" });
    // The session has not listed or looked up anything yet: it must find the thread itself.
    await session.start();
    await carol.editProfile({ fullName: "Carol Lewis" });
    const [profile] = await sink.waitFor("profile");
    expect(profile).toMatchObject({ user: carol.userId, name: "Carol Lewis", chat: { id: group.thread_id, kind: "group" } });
  });

  it("reports group renames, members added and removed, and admins", async () => {
    const { h, alice, bob, session, sink } = await aliceWithBridge();
    const carol = await h.user("carol");
    await h.account("dave");
    const group = await alice.createGroup({ usernames: ["bob", "carol"] }, { title: "Tea" });
    await session.start();
    await bob.renameGroup(group.thread_id, "Tea party");
    await alice.addUsers(group.thread_id, [(await alice.userByUsername("dave")).pk]);
    await alice.addAdmins(group.thread_id, [bob.userId]);
    await carol.leaveGroup(group.thread_id);
    await sink.waitFor("membership", 2);
    expect(sink.ofType("chat-info")[0]).toMatchObject({ chat: { id: group.thread_id, kind: "group" }, name: "Tea party", sender: { id: bob.userId } });
    expect(sink.ofType("membership")[0]).toMatchObject({ action: "add", sender: { id: alice.userId, isMe: true } });
    await sink.waitFor("admins");
    expect(sink.ofType("admins")[0]).toMatchObject({ promoted: [bob.userId], demoted: [] });
    expect(sink.ofType("membership")[1]).toMatchObject({ action: "leave", members: [carol.userId] });
  });
});
