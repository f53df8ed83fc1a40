import { describe, expect, it } from "@jest/globals";
import { GIF } from "./pictures.js";
import { aliceWithBridge, useConnector, type Ms } from "./support.js";

const start = useConnector();

/** Bob's group with Alice and `other`, made once the bridge's session runs and reported to it. */
async function groupWith(ms: Ms, other: string) {
  const scene = await aliceWithBridge(ms);
  await scene.session.start();
  const { id: group } = await scene.bobApp.api.createThread([scene.alice.account.id, other], "Plans");
  await scene.sink.waitFor("chat-info", 1, (e) => e.chat.id === group);
  return { ...scene, group };
}

describe("messenger connector receiving", () => {
  it("turns messages, mentions, replies, edits, reactions, unsends, receipts and typing into events", async () => {
    const ms = await start();
    const { alice, aliceApp, bobApp, bob, session, sink } = await aliceWithBridge(ms);
    await session.start();
    const chat = bob.account.id;
    const first = await bobApp.api.send(alice.account.id, { text: "hi Alice", mentions: [{ offset: 3, length: 5, user_id: alice.account.id }] });
    const [message] = await sink.waitFor("message");
    expect(message).toMatchObject({ id: first.message_id, chat: { id: chat, kind: "direct" }, sender: { id: chat, isMe: false }, body: { kind: "text", text: { text: "hi Alice", entities: [{ type: "mention", offset: 3, length: 5, user: alice.account.id }] } } });
    await bobApp.api.send(alice.account.id, { text: "re", replyTo: first.message_id });
    expect((await sink.waitFor("message", 2))[1]).toMatchObject({ replyTo: { id: first.message_id } });
    await bobApp.api.edit(first.message_id, "hi there");
    expect((await sink.waitFor("edit"))[0]).toMatchObject({ target: first.message_id, text: { text: "hi there" } });
    await bobApp.api.react(first.message_id, "👍");
    expect((await sink.waitFor("reaction"))[0]).toMatchObject({ target: first.message_id, emoji: "👍" });
    await bobApp.api.unreact(first.message_id);
    expect((await sink.waitFor("reaction-removed"))[0]).toMatchObject({ target: first.message_id });
    const mine = await aliceApp.api.send(chat, { text: "from my phone" });
    expect((await sink.waitFor("message", 1, (e) => e.id === mine.message_id))[0]).toMatchObject({ sender: { id: alice.account.id, isMe: true } });
    await bobApp.api.markRead(alice.account.id, { messageId: mine.message_id });
    expect((await sink.waitFor("receipt"))[0]).toMatchObject({ kind: "read", targets: [mine.message_id], sender: { id: chat } });
    await bobApp.api.unsend(first.message_id);
    expect((await sink.waitFor("delete"))[0]).toMatchObject({ target: first.message_id });
    await bobApp.api.typing(alice.account.id, true);
    expect((await sink.waitFor("typing"))[0]).toMatchObject({ state: "typing", chat: { id: chat } });
  });

  it("turns attachments into media and catalog stickers into sticker images", async () => {
    const ms = await start();
    const { alice, bobApp, session, sink } = await aliceWithBridge(ms);
    await session.start();
    const png = Buffer.from("89504e470d0a1a0a", "hex");
    const att = await bobApp.api.upload({ kind: "image", mime: "image/png", data: png, filename: "a.png" });
    await bobApp.api.send(alice.account.id, { attachmentIds: [att.id], text: "look" });
    const [media] = await sink.waitFor("message");
    expect(media?.body).toMatchObject({ kind: "media", media: "image", file: { mimeType: "image/png", fileName: "a.png" }, caption: { text: "look" } });
    if (media?.body.kind !== "media") throw new Error("not media");
    expect(await media.body.file.download()).toEqual(png);
    await bobApp.api.send(alice.account.id, { stickerId: "369239263222822" });
    const sticker = (await sink.waitFor("message", 2))[1];
    expect(sticker?.body).toMatchObject({ kind: "media", media: "sticker", file: { mimeType: "image/svg+xml" } });
  });

  it("reports group creation, renames, membership and admin changes", async () => {
    const ms = await start();
    const { alice, bob, bobApp, session, sink } = await aliceWithBridge(ms);
    const carol = await ms.world.user("Carol");
    const dave = await ms.world.user("Dave");
    await session.start();
    const group = await bobApp.api.createThread([alice.account.id, carol.account.id], "Plans");
    expect((await sink.waitFor("chat-info"))[0]).toMatchObject({ chat: { id: group.id, kind: "group" }, name: "Plans" });
    await bobApp.api.renameThread(group.id, "New plans");
    expect((await sink.waitFor("chat-info", 2))[1]).toMatchObject({ name: "New plans", sender: { id: bob.account.id } });
    await bobApp.api.addParticipants(group.id, [dave.account.id]);
    expect((await sink.waitFor("membership"))[0]).toMatchObject({ action: "add", members: [dave.account.id] });
    await bobApp.api.setAdmin(group.id, alice.account.id, true);
    expect((await sink.waitFor("admins"))[0]).toMatchObject({ promoted: [alice.account.id], demoted: [] });
    await bobApp.api.removeParticipant(group.id, carol.account.id);
    expect((await sink.waitFor("membership", 2))[1]).toMatchObject({ action: "remove", members: [carol.account.id] });
    await bobApp.api.removeParticipant(group.id, bob.account.id);
    expect((await sink.waitFor("membership", 3))[2]).toMatchObject({ action: "leave", members: [bob.account.id] });
    const info = await session.getChat(group.id);
    expect(info).toMatchObject({ kind: "group", name: "New plans" });
    expect(info.members).toEqual(expect.arrayContaining([{ id: alice.account.id, role: "admin" }, { id: dave.account.id, role: "member" }]));
  });

  it("labels group images and profile pictures with their real type once downloaded", async () => {
    const ms = await start();
    const carol = await ms.world.admin.createAccount({ name: "Carol", email: "carol@example.com", password: "pw", avatar: { mime: "image/gif", data: GIF } });
    const { bobApp, session, sink, group } = await groupWith(ms, carol.id);
    await bobApp.api.setThreadImage(group, (await bobApp.api.upload({ kind: "image", mime: "image/gif", data: GIF })).id);
    const [changed] = await sink.waitFor("chat-info", 1, (e) => e.avatar !== undefined);
    const pictures = [changed?.avatar, (await session.getChat(group)).avatar, (await session.getUser(carol.id)).avatar];
    for (const picture of pictures) {
      expect(await picture?.download()).toEqual(GIF);
      expect(picture?.mimeType).toBe("image/gif");
    }
  });

  it("does not hand back the echoes of its own group rename and new group image", async () => {
    const ms = await start();
    const { bobApp, session, sink, group } = await groupWith(ms, (await ms.world.user("Carol")).account.id);
    await session.setChatName(group, "Bridge's name");
    await session.setChatAvatar(group, { data: GIF, mimeType: "image/gif" });
    await session.setChatName(group, "");
    await bobApp.api.renameThread(group, "Bob's name");
    await sink.waitFor("chat-info", 1, (e) => e.name === "Bob's name");
    expect(sink.ofType("chat-info").map((e) => e.sender.id)).toEqual([bobApp.accountId, bobApp.accountId]);
  });
});
