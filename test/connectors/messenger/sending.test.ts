import { describe, expect, it } from "@jest/globals";
import { plainText } from "../../../src/network/index.js";
import { GIF } from "./pictures.js";
import { aliceWithBridge, useConnector } from "./support.js";

const start = useConnector();

describe("messenger connector sending", () => {
  it("applies an edit tried again with the same key once, as after an answer that was lost", async () => {
    const ms = await start();
    const { alice, bob, bobApp, session } = await aliceWithBridge(ms);
    await session.start();
    const chat = session.directChatWith(bob.account.id);
    const sent = await session.send(chat, { body: { kind: "text", text: plainText("draft") } }, "send-1");
    const first = await session.edit(chat, sent.id, plainText("final"), "edit-1");
    const retried = await session.edit(chat, sent.id, plainText("final"), "edit-1");
    expect(retried.id).toBe(first.id);
    expect((await bobApp.api.messages(alice.account.id)).messages.find((m) => m.id === sent.id)).toMatchObject({ text: "final", edit_count: 1 });
    // A new edit (a new key) with the same words is still an edit of its own.
    await session.edit(chat, sent.id, plainText("final"), "edit-2");
    expect((await bobApp.api.messages(alice.account.id)).messages.find((m) => m.id === sent.id)?.edit_count).toBe(2);
  });

  it("sends text with mentions, replies, edits, reactions, unsends and read marks that Bob sees", async () => {
    const ms = await start();
    const { alice, bob, bobApp, session, sink } = await aliceWithBridge(ms);
    await session.start();
    const chat = session.directChatWith(bob.account.id);
    const sent = await session.send(chat, { body: { kind: "text", text: { text: "hi Bob", entities: [{ type: "mention", offset: 3, length: 3, user: bob.account.id }, { type: "bold", offset: 0, length: 2 }] } } }, "key-1");
    const again = await session.send(chat, { body: { kind: "text", text: plainText("hi Bob") } }, "key-1");
    expect(again.id).toBe(sent.id);
    let [latest] = (await bobApp.api.messages(alice.account.id)).messages;
    expect((await bobApp.api.messages(alice.account.id)).messages).toHaveLength(1);
    expect(latest).toMatchObject({ id: sent.id, text: "hi Bob", mentions: [{ offset: 3, length: 3, user_id: bob.account.id }] });
    const reply = await session.send(chat, { body: { kind: "text", text: plainText("re") }, replyTo: { id: sent.id } }, "key-2");
    await session.edit(chat, sent.id, plainText("hi Bob!"), "key-3");
    await session.react(chat, sent.id, "❤️", "key-4");
    let messages = (await bobApp.api.messages(alice.account.id)).messages;
    expect(messages.find((m) => m.id === reply.id)?.reply_to).toBe(sent.id);
    latest = messages.find((m) => m.id === sent.id);
    expect(latest).toMatchObject({ text: "hi Bob!", edit_count: 1, reactions: [{ user_id: alice.account.id, emoji: "❤️" }] });
    await session.removeReaction(chat, sent.id, "key-5");
    await session.delete(chat, reply.id, "key-6");
    messages = (await bobApp.api.messages(alice.account.id)).messages;
    expect(messages.find((m) => m.id === sent.id)?.reactions).toEqual([]);
    expect(messages.find((m) => m.id === reply.id)?.unsent).toBe(true);
    const fromBob = await bobApp.api.send(alice.account.id, { text: "read me" });
    await session.markRead(chat, [fromBob.message_id]);
    const thread = await bobApp.api.thread(alice.account.id);
    expect(thread.participants.find((p) => p.id === alice.account.id)?.read_watermark).toBeGreaterThanOrEqual(fromBob.timestamp);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The bridge's own actions are not echoed back to the core.
    expect(sink.events.filter((e) => e.sender.isMe)).toEqual([]);
  });

  it("sends files and catalog stickers, refuses other stickers, locations and topics as unsupported", async () => {
    const ms = await start();
    const { alice, bob, bobApp, session } = await aliceWithBridge(ms);
    await session.start();
    const chat = bob.account.id;
    const data = Buffer.from("hello file");
    await session.send(chat, { body: { kind: "media", media: "file", file: { data, mimeType: "text/plain", fileName: "a.txt" }, caption: plainText("doc") } }, "f1");
    const [msg] = (await bobApp.api.messages(alice.account.id)).messages;
    expect(msg).toMatchObject({ text: "doc", attachments: [{ kind: "file", filename: "a.txt" }] });
    expect((await bobApp.api.download(msg?.attachments[0]?.id ?? "")).data).toEqual(data);
    const { stickers } = await bobApp.api.stickers();
    const thumbs = stickers[0];
    const image = Buffer.from((thumbs?.image_uri ?? "").split(",")[1] ?? "", "base64");
    await session.send(chat, { body: { kind: "media", media: "sticker", file: { data: image, mimeType: "image/svg+xml" } } }, "s1");
    expect((await bobApp.api.messages(alice.account.id)).messages.at(-1)?.sticker_id).toBe(thumbs?.id);
    await expect(session.send(chat, { body: { kind: "media", media: "sticker", file: { data, mimeType: "image/png" } } }, "s2")).rejects.toMatchObject({ code: "unsupported" });
    await expect(session.send(chat, { body: { kind: "location", latitude: 1, longitude: 2 } }, "l1")).rejects.toMatchObject({ code: "unsupported" });
    await expect(session.setChatTopic(chat, "x")).rejects.toMatchObject({ code: "unsupported" });
  });

  it("maps refusals: not the sender, unknown message, too long", async () => {
    const ms = await start();
    const { alice, bob, bobApp, session } = await aliceWithBridge(ms);
    await session.start();
    const fromBob = await bobApp.api.send(alice.account.id, { text: "mine" });
    await expect(session.edit(bob.account.id, fromBob.message_id, plainText("x"), "e")).rejects.toMatchObject({ code: "forbidden" });
    await expect(session.delete(bob.account.id, "mid.$AAAAAAAAAAAAAAAAAAAA", "d")).rejects.toMatchObject({ code: "not_found" });
    await expect(session.send(bob.account.id, { body: { kind: "text", text: plainText("x".repeat(20_001)) } }, "t")).rejects.toMatchObject({ code: "too_large" });
  });

  it("manages groups: create from Bob, rename, image, members, admins, leave", async () => {
    const ms = await start();
    const { alice, bob, bobApp, session } = await aliceWithBridge(ms);
    const carol = await ms.world.user("Carol");
    const dave = await ms.world.user("Dave");
    await session.start();
    const group = await bobApp.api.createThread([alice.account.id, carol.account.id], "G");
    await bobApp.api.setAdmin(group.id, alice.account.id, true);
    await session.setChatName(group.id, "Renamed");
    await session.setChatAvatar(group.id, { data: Buffer.from("89504e470d0a1a0a", "hex"), mimeType: "image/png" });
    await session.addMembers(group.id, [dave.account.id]);
    await session.addMembers(group.id, [dave.account.id]);
    await session.setAdmin(group.id, dave.account.id, true);
    await session.removeMembers(group.id, [carol.account.id]);
    let thread = await bobApp.api.thread(group.id);
    expect(thread.name).toBe("Renamed");
    expect(thread.image_attachment_id).not.toBeNull();
    expect(thread.participants.map((p) => p.id).sort()).toEqual([alice.account.id, bob.account.id, dave.account.id].sort());
    expect(thread.participants.find((p) => p.id === dave.account.id)?.is_admin).toBe(true);
    await session.leaveChat(group.id);
    thread = await bobApp.api.thread(group.id);
    expect(thread.participants.map((p) => p.id)).not.toContain(alice.account.id);
    expect((await session.resolveUser(carol.email))?.id).toBe(carol.account.id);
    expect(await session.resolveUser("nobody@example.com")).toBeUndefined();
    expect((await session.getSelf()).name).toBe("Alice Liddell");
  });

  it("sends a mention of someone outside the thread as its text, in messages and edits, keeping the others", async () => {
    const ms = await start();
    const { alice, bob, bobApp, session } = await aliceWithBridge(ms);
    const carol = await ms.world.user("Carol");
    await session.start();
    const text = { text: "ask Carol and Bob", entities: [{ type: "mention" as const, offset: 4, length: 5, user: carol.account.id }, { type: "mention" as const, offset: 14, length: 3, user: bob.account.id }] };
    const sent = await session.send(bob.account.id, { body: { kind: "text", text } }, "m1");
    let [message] = (await bobApp.api.messages(alice.account.id)).messages;
    expect(message).toMatchObject({ id: sent.id, text: "ask Carol and Bob", mentions: [{ offset: 14, length: 3, user_id: bob.account.id }] });
    await session.edit(bob.account.id, sent.id, { ...text, text: "ask Carol and Bob!" }, "m2");
    [message] = (await bobApp.api.messages(alice.account.id)).messages;
    expect(message).toMatchObject({ text: "ask Carol and Bob!", mentions: [{ offset: 14, length: 3, user_id: bob.account.id }] });
  });

  it("labels a picture, and a group image, with the type its bytes show when the declared one says otherwise", async () => {
    const ms = await start();
    const { alice, bob, bobApp, session } = await aliceWithBridge(ms);
    const carol = await ms.world.user("Carol");
    await session.start();
    await session.send(bob.account.id, { body: { kind: "media", media: "image", file: { data: GIF, mimeType: "application/octet-stream", fileName: "dot" } } }, "p1");
    const [message] = (await bobApp.api.messages(alice.account.id)).messages;
    expect(message?.attachments).toMatchObject([{ kind: "image", mime: "image/gif" }]);
    const group = await bobApp.api.createThread([alice.account.id, carol.account.id], "G");
    await session.setChatAvatar(group.id, { data: GIF, mimeType: "image/jpeg" });
    const { attachment } = await bobApp.api.download(String((await bobApp.api.thread(group.id)).image_attachment_id));
    expect(attachment.mime).toBe("image/gif");
  });

  it("gives history oldest first with edits applied and unsent messages skipped", async () => {
    const ms = await start();
    const { alice, bob, bobApp, session } = await aliceWithBridge(ms);
    const ids = [];
    for (const text of ["a", "b", "c", "d"]) ids.push((await bobApp.api.send(alice.account.id, { text })).message_id);
    await bobApp.api.edit(ids[1] ?? "", "B");
    await bobApp.api.unsend(ids[2] ?? "");
    const history = await session.history(bob.account.id, 10);
    expect(history.map((e) => (e.body.kind === "text" ? e.body.text.text : ""))).toEqual(["a", "B", "d"]);
    expect((await session.history(bob.account.id, 2)).map((e) => e.id)).toEqual([ids[1], ids[3]]);
  });
});
