/**
 * Acting in a third-party chat as a provider's identity, under Messenger's own rules (edits for
 * 15 minutes and at most 5 times, unsend by the sender, one reaction per person, attachment
 * limits, the send rate), and users' actions reaching the provider.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import { createMessengerNetwork } from "../../../src/simnet/messenger/index.js";
import { messengerKit } from "../../../src/simnet/messenger/client/kit.js";
import type { AgentEvent } from "../../../src/simnet/client/agent.js";
import { refusal, TestClock, useMessenger } from "./harness.js";
import { chatWithBob, closeProviders, connectProvider, native, publishPeople, thirdParty } from "./interop-harness.js";

const clock = new TestClock();
const start = useMessenger(undefined, { now: clock.now });
const startSmallFiles = useMessenger(createMessengerNetwork({ maxAttachmentBytes: 1024 }));
const startSlowSends = useMessenger(createMessengerNetwork({ rateLimits: { sendsPerMinute: 2 } }));
// Every message in the same millisecond: what a busy chat looks like to a watermark.
const startFrozenClock = useMessenger(undefined, { now: () => 1_800_000_000_000 });
afterEach(closeProviders);
afterEach(() => {
  clock.offsetMs = 0;
});

describe("messenger third-party chats: acting as an identity", () => {
  it("sends as an identity, once per key, replies included, and users see the sender marked", async () => {
    const world = await start();
    const { provider, recorder, alice, chat, bob, bobId } = await chatWithBob(world);
    const first = await provider.send(chat, "ig:bob", { text: "hello" }, "key-1");
    expect(await provider.send(chat, "ig:bob", { text: "hello" }, "key-1")).toEqual(first);
    const reply = await provider.send(chat, "ig:bob", { text: "again", replyTo: first.id }, "key-2");
    expect((await world.admin.threadMessages(chat)).map((m) => [m.id, m.text, m.reply_to])).toEqual([
      [first.id, "hello", null],
      [reply.id, "again", first.id],
    ]);
    const delta = await alice.deltas.next("new_message", (d) => d.message.id === reply.id);
    expect(delta).toMatchObject({ thread_id: bobId, actor_id: bobId, actor_third_party: bob, message: { sender_id: bobId, reply_to: first.id } });
    // The provider's own sends come back on its stream, marked by its identity as the sender.
    expect(await recorder.next("message", (e) => e.id === first.id)).toMatchObject({ sender: thirdParty("ig:bob"), at: first.at, body: { text: "hello" } });
    expect(await refusal(provider.send(chat, "ig:bob", {}, "key-3"))).toEqual([400, "empty_message"]);
    expect(await refusal(provider.send(chat, "ig:bob", { text: "x".repeat(20_001) }, "key-4"))).toEqual([400, "text_too_long"]);
    expect(await refusal(provider.send(chat, "mx:mo", { text: "not in it" }, "key-5"))).toEqual([403, "not_participant"]);
  });

  it("edits as an identity within 15 minutes and at most 5 times, its own messages only", async () => {
    const world = await start();
    const { provider, recorder, alice, chat, bobId } = await chatWithBob(world);
    const { id } = await provider.send(chat, "ig:bob", { text: "v0" }, "k1");
    for (let n = 1; n <= 5; n++) await provider.edit(chat, "ig:bob", id, `v${n}`);
    expect(await refusal(provider.edit(chat, "ig:bob", id, "v6"))).toEqual([409, "edit_limit_reached"]);
    expect(await alice.deltas.next("message_edited", (d) => d.text === "v5")).toMatchObject({ edit_count: 5, actor_id: bobId });
    expect(await recorder.next("edit", (e) => e.text === "v5")).toMatchObject({ id, sender: thirdParty("ig:bob") });

    const late = await provider.send(chat, "ig:bob", { text: "soon too late" }, "k2");
    const hers = await alice.client.api.send(bobId, { text: "mine" });
    clock.advance(15 * 60_000 + 1);
    expect(await refusal(provider.edit(chat, "ig:bob", late.id, "edited"))).toEqual([409, "edit_window_expired"]);
    expect(await refusal(provider.edit(chat, "ig:bob", hers.message_id, "hijacked"))).toEqual([403, "not_sender"]);
  });

  it("keeps one reaction per identity: another replaces it, null removes it", async () => {
    const world = await start();
    const { provider, recorder, alice, chat, bobId } = await chatWithBob(world);
    const hers = await alice.client.api.send(bobId, { text: "react to this" });
    await provider.react(chat, "ig:bob", hers.message_id, "👍");
    await provider.react(chat, "ig:bob", hers.message_id, "❤️");
    expect((await alice.client.api.messages(bobId)).messages[0]!.reactions).toEqual([{ user_id: bobId, emoji: "❤️", timestamp: expect.any(Number) }]);
    expect(await refusal(provider.react(chat, "ig:bob", hers.message_id, "ok"))).toEqual([400, "invalid_emoji"]);
    await provider.react(chat, "ig:bob", hers.message_id, null);
    expect(await alice.deltas.next("reaction", (d) => d.emoji === null)).toMatchObject({ actor_id: bobId, message_id: hers.message_id });
    expect((await alice.client.api.messages(bobId)).messages[0]!.reactions).toEqual([]);
    expect((await recorder.next("reaction", (e) => e.emoji === null)).sender).toEqual(thirdParty("ig:bob"));
    expect(recorder.ofType("reaction").map((e) => e.emoji)).toEqual(["👍", "❤️", null]);
  });

  it("unsends as an identity, its own messages only, leaving a tombstone nobody can react to", async () => {
    const world = await start();
    const { provider, recorder, alice, chat, bobId } = await chatWithBob(world);
    const { id } = await provider.send(chat, "ig:bob", { text: "oops" }, "k1");
    const hers = await alice.client.api.send(bobId, { text: "keep" });
    expect(await refusal(provider.delete(chat, "ig:bob", hers.message_id))).toEqual([403, "not_sender"]);
    await provider.delete(chat, "ig:bob", id);
    await provider.delete(chat, "ig:bob", id);
    expect(await alice.deltas.next("message_unsent")).toMatchObject({ message_id: id, actor_id: bobId });
    expect(await recorder.next("delete")).toMatchObject({ id, sender: thirdParty("ig:bob") });
    expect(await refusal(provider.react(chat, "ig:bob", id, "👍"))).toEqual([409, "message_unsent"]);
    expect((await world.admin.threadMessages(chat)).find((m) => m.id === id)).toMatchObject({ unsent: true, text: null });
  });

  it("marks read and types as an identity", async () => {
    const world = await start();
    const { provider, recorder, alice, chat, bob, bobId } = await chatWithBob(world);
    const hers = await alice.client.api.send(bobId, { text: "read me" });
    await provider.markRead(chat, "ig:bob", hers.message_id);
    expect(await alice.deltas.next("read_receipt")).toMatchObject({ actor_id: bobId, watermark_timestamp: hers.timestamp });
    expect(await recorder.next("read")).toMatchObject({ chat, upTo: hers.message_id, reader: thirdParty("ig:bob") });
    const typing = new Promise((resolve) => alice.client.realtime().on("typing", resolve));
    await provider.typing(chat, "ig:bob", true);
    expect(await typing).toEqual({ thread_id: bobId, user_id: bobId, typing: true, third_party: bob });
  });

  it("applies Messenger's attachment limits to third-party media, and carries media both ways", async () => {
    const world = await startSmallFiles();
    const { provider, recorder, alice, chat, bobId } = await chatWithBob(world);
    const tooBig = { kind: "image" as const, mimeType: "image/png", data: Buffer.alloc(2048, 1) };
    expect(await refusal(provider.send(chat, "ig:bob", { media: tooBig }, "k1"))).toEqual([413, "media_too_large"]);
    expect(await refusal(provider.send(chat, "ig:bob", { media: { ...tooBig, mimeType: "application/pdf", data: Buffer.alloc(10) } }, "k2"))).toEqual([400, "attachment_kind_mismatch"]);
    const picture = Buffer.from("a small picture");
    await provider.send(chat, "ig:bob", { text: "look", media: { kind: "image", mimeType: "image/png", fileName: "p.png", data: picture } }, "k3");
    const delta = await alice.deltas.next("new_message");
    expect(delta.message).toMatchObject({ text: "look", attachments: [{ kind: "image", mime: "image/png", filename: "p.png", size: picture.length }] });
    expect((await alice.client.api.download(delta.message.attachments[0]!.id)).data).toEqual(picture);

    const upload = await alice.client.api.upload({ kind: "audio", mime: "audio/ogg", data: Buffer.from("voice") });
    await alice.client.api.send(bobId, { attachmentIds: [upload.id] });
    const event = await recorder.next("message", (e) => e.body.media?.kind === "audio");
    expect(event.body.media).toMatchObject({ kind: "audio", mimeType: "audio/ogg" });
    expect(await event.body.media!.download()).toEqual(Buffer.from("voice"));
  });

  it("limits each identity's sends like a Messenger account's; a replayed key is free", async () => {
    const world = await startSlowSends();
    const { provider, chat, aliceId } = await chatWithBob(world);
    const wendys = (await provider.createChat({ kind: "direct", creator: "wa:wendy", members: [native(aliceId)] })).id;
    await provider.send(chat, "ig:bob", { text: "1" }, "k1");
    await provider.send(chat, "ig:bob", { text: "2" }, "k2");
    expect(await provider.send(chat, "ig:bob", { text: "1" }, "k1")).toMatchObject({ id: expect.any(String) });
    expect(await refusal(provider.send(chat, "ig:bob", { text: "3" }, "k3"))).toEqual([429, "rate_limited"]);
    await provider.send(wendys, "wa:wendy", { text: "another identity, another budget" }, "k4");
  });
});

describe("messenger third-party chats: users' actions reach the provider", () => {
  it("names the message a reader read, not one of their own sent in the same millisecond", async () => {
    const world = await startFrozenClock();
    const { provider, recorder, alice, chat, bobId } = await chatWithBob(world);
    const mine = await provider.send(chat, "ig:bob", { text: "hi" }, "k1");
    await alice.client.api.send(bobId, { text: "me too" });
    await alice.client.api.markRead(bobId, { messageId: mine.id });
    expect(await recorder.next("read")).toMatchObject({ chat, upTo: mine.id });
  });


  it("delivers messages, replies, stickers, edits, reactions, unsends, reads and typing, in order", async () => {
    const world = await start();
    const { provider, recorder, alice, aliceId, chat, bobId } = await chatWithBob(world);
    const mine = await provider.send(chat, "ig:bob", { text: "hi" }, "k1");
    const text = await alice.client.api.send(bobId, { text: "hello Bob", replyTo: mine.id });
    const sticker = await alice.client.api.send(bobId, { stickerId: "369239263222822" });
    await alice.client.api.edit(text.message_id, "hello, Bob");
    await alice.client.api.react(mine.id, "😂");
    await alice.client.api.unsend(sticker.message_id);
    await alice.client.api.markRead(bobId, { messageId: mine.id });
    await alice.client.api.typing(bobId, true);

    const by = native(aliceId);
    expect(await recorder.next("typing")).toEqual({ type: "typing", chat, who: by, typing: true });
    expect(await recorder.next("read")).toMatchObject({ chat, upTo: mine.id, reader: by });
    const theirs = recorder.events.filter((e) => "sender" in e && e.sender.kind === "native");
    expect(theirs.map((e) => e.type)).toEqual(["message", "message", "edit", "reaction", "delete"]);
    expect(theirs[0]).toMatchObject({ id: text.message_id, body: { text: "hello Bob", replyTo: mine.id } });
    const stickerEvent = theirs[1]!;
    if (stickerEvent.type !== "message") throw new Error("expected the sticker message");
    expect(stickerEvent.body.media).toMatchObject({ kind: "image", mimeType: "image/svg+xml" });
    expect((await stickerEvent.body.media!.download()).toString()).toContain("<svg");
    expect(theirs.slice(2)).toMatchObject([
      { type: "edit", id: text.message_id, text: "hello, Bob" },
      { type: "reaction", id: mine.id, emoji: "😂" },
      { type: "delete", id: sticker.message_id },
    ]);
  });

  it("gives the user side and third-party marks through the Messenger agent", async () => {
    const world = await start();
    const { provider, credentials } = await connectProvider(world);
    await publishPeople(provider);
    const account = await messengerKit.createAccount(world.url, world.net.adminToken, { name: "Zoe" });
    const agent = await messengerKit.login(world.url, { handle: account.handle, password: account.password! }, async () => "");
    try {
      await agent.interop!.setThirdPartyChats(true);
      expect(await agent.interop!.searchThirdParty("wendy")).toEqual([{ id: "wa:wendy", name: "Wendy", network: "whatsapp", handle: "wendy.wa", provider: credentials.providerId }]);
      const { id } = await agent.interop!.startThirdPartyChat({ kind: "direct", thirdParty: [{ provider: credentials.providerId, id: "wa:wendy" }] });
      const events: AgentEvent[] = [];
      const heard = new Promise<AgentEvent>((resolve) => {
        void agent.listen((event) => {
          events.push(event);
          if (event.kind === "message") resolve(event);
        });
      });
      const [chat] = await world.admin.interopChats();
      await provider.send(chat!.key, "wa:wendy", { text: "hi Zoe" }, "k1");
      expect(await heard).toMatchObject({ chat: id, text: "hi Zoe", thirdParty: { provider: credentials.providerId, id: "wa:wendy", name: "Wendy", network: "whatsapp" } });
      expect((await agent.chats()).map((c) => [c.id, c.title])).toEqual([[id, "Wendy"]]);
    } finally {
      await agent.close();
    }
  });
});
