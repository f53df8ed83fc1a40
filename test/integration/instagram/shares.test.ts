/**
 * Shared posts, reels and story replies have nothing like them in Matrix: they arrive as text
 * that says what they are, with the caption or the reply, and the link to the post, reel or
 * story as a real link.
 */
import { describe, expect, it } from "@jest/globals";
import type { MatrixEvent } from "matrix-js-sdk";
import { appUser, directChat, escapeRegExp, ghostOf, loggedInScene, messageIn } from "./support.js";

function expectLink(event: MatrixEvent, url: string): void {
  expect(event.getContent()["format"]).toBe("org.matrix.custom.html");
  expect(String(event.getContent()["formatted_body"])).toContain(`<a href="${url}">${url}</a>`);
}

describe("Instagram shares", () => {
  it("bring shared posts and reels as text naming the owner, with the caption and the link", async () => {
    const scene = await loggedInScene();
    const bob = await appUser(scene.ig, "bob", "Bob Example");
    await scene.ig.account("carol");
    const { threadId, roomId } = await directChat(scene, bob, "Bob Example");
    const post = await scene.ig.admin.createPost({ owner: "bob", kind: "post", caption: "Tea time at the hare's" });
    const reel = await scene.ig.admin.createPost({ owner: "carol", kind: "reel" });

    await bob.client.share(threadId, post.id, "post");
    const shared = await messageIn(scene.alice.client, roomId, /^Shared a post/);
    expect(shared.getContent()["body"]).toBe(`Shared a post by @bob: Tea time at the hare's ${post.url}`);
    expect(post.url).toMatch(/^https:\/\/www\.instagram\.com\/p\/[\w-]+\/$/);
    expectLink(shared, post.url);
    expect(shared.getSender()).toBe(ghostOf(scene, bob.client.userId));

    await bob.client.share(threadId, reel.id, "reel");
    const clip = await messageIn(scene.alice.client, roomId, /^Shared a reel/);
    expect(clip.getContent()["body"]).toBe(`Shared a reel by @carol ${reel.url}`);
    expect(reel.url).toMatch(/^https:\/\/www\.instagram\.com\/reel\/[\w-]+\/$/);
    expectLink(clip, reel.url);
  });

  it("bring story replies as text saying whose story, with the reply and the story's link", async () => {
    const scene = await loggedInScene();
    const bob = await appUser(scene.ig, "bob", "Bob Example");
    const { threadId, roomId } = await directChat(scene, bob, "Bob Example");
    const aliceStory = await scene.ig.admin.createPost({ owner: "alice", kind: "story", caption: "the garden" });
    const bobStory = await scene.ig.admin.createPost({ owner: "bob", kind: "story" });

    await bob.client.replyToStory(threadId, aliceStory.id, "what a garden!");
    const reply = await messageIn(scene.alice.client, roomId, new RegExp(`^${escapeRegExp(`Replied to your story: what a garden! ${aliceStory.url}`)}$`));
    expect(aliceStory.url).toMatch(/^https:\/\/www\.instagram\.com\/stories\/alice\/\d+\/$/);
    expectLink(reply, aliceStory.url);

    // Alice answers Bob's story from her phone: the bridge shows it as hers.
    const phone = await scene.ig.login("alice", "android-alices-phone");
    await phone.replyToStory(threadId, bobStory.id, "ha!");
    await messageIn(scene.alice.client, roomId, new RegExp(`^${escapeRegExp(`Replied to @bob's story: ha! ${bobStory.url}`)}$`));
  });
});
