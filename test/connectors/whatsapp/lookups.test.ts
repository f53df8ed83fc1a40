import { describe, expect, it } from "@jest/globals";
import { phoneOf } from "../../../src/simnet/whatsapp/protocol.js";
import { aliceWithBridge, errorCode, registerPhone } from "./support.js";

describe("whatsapp connector lookups", () => {
  it("finds people by JID or typed number, with their push name and number", async () => {
    const { wa, alice, bob, session } = await aliceWithBridge();
    await wa.admin.createAccount({ phone: "15550001111", pushName: "Not Yet" });
    const avatar = Buffer.from("avatar jpeg");
    await wa.admin.createAccount({ phone: "15550002222", pushName: "Pic", avatar });
    await registerPhone(wa, "Pic", { phone: "15550002222" });
    expect(await session.getSelf()).toEqual({ id: alice.jid, name: "Alice", identifier: `+${phoneOf(alice.jid)}` });
    expect(await session.getUser(bob.jid)).toEqual({ id: bob.jid, name: "Bob", identifier: `+${phoneOf(bob.jid)}` });
    expect(await session.getUser(alice.jid)).toMatchObject({ name: "Alice" });
    expect(await session.resolveUser(`+${phoneOf(bob.jid)}`)).toMatchObject({ id: bob.jid, name: "Bob" });
    expect(await session.resolveUser(bob.jid)).toMatchObject({ id: bob.jid });
    // An account whose phone never registered is not on WhatsApp yet; neither is nonsense.
    expect(await session.resolveUser("+1 555 000 1111")).toBeUndefined();
    expect(await session.resolveUser("bob")).toBeUndefined();
    expect(await errorCode(session.getUser("15550001111@s.whatsapp.net"))).toBe("not_found");
    const withPicture = await session.getUser("15550002222@s.whatsapp.net");
    expect(withPicture).toMatchObject({ name: "Pic", avatarId: expect.any(String) });
    expect(await withPicture.avatar?.download()).toEqual(avatar);
    expect(session.directChatWith(bob.jid)).toBe(bob.jid);
  });

  it("lists direct chats and groups with members, roles, topic and picture", async () => {
    const { wa, alice, bob, session } = await aliceWithBridge();
    const carol = await registerPhone(wa, "Carol");
    await bob.sendText(alice.jid, "hi");
    const group = await carol.api.createGroup("Club", [alice.jid, bob.jid]);
    await carol.api.participants(group.jid, "promote", [bob.jid]);
    await carol.api.setGroupDescription(group.jid, "Members only");
    await carol.api.setGroupPicture(group.jid, Buffer.from("club picture"));
    const chats = await session.listChats();
    const direct = chats.find((chat) => chat.id === bob.jid);
    expect(direct).toMatchObject({
      kind: "direct",
      name: "Bob",
      members: [
        { id: alice.jid, role: "member" },
        { id: bob.jid, role: "member" },
      ],
      peer: { id: bob.jid, name: "Bob", identifier: `+${phoneOf(bob.jid)}` },
    });
    const club = chats.find((chat) => chat.id === group.jid);
    expect(club).toMatchObject({ kind: "group", name: "Club", topic: "Members only", avatarId: expect.any(String) });
    expect(club?.members).toEqual(
      expect.arrayContaining([
        { id: carol.jid, role: "owner" },
        { id: bob.jid, role: "admin" },
        { id: alice.jid, role: "member" },
      ]),
    );
    expect(await club?.avatar?.download()).toEqual(Buffer.from("club picture"));
    expect(await session.getChat(group.jid)).toEqual({ ...club, avatar: expect.anything() });
    expect(await session.getChat(bob.jid)).toMatchObject({ id: bob.jid, kind: "direct", name: "Bob" });
    expect(await errorCode(session.getChat("120363000000000000@g.us"))).toBe("not_found");
  });

  it("reads recent history oldest first, with edits applied and deleted messages left out", async () => {
    const { alice, bob, session } = await aliceWithBridge();
    const first = await bob.sendText(alice.jid, "one");
    const second = await bob.sendText(alice.jid, "tow");
    await bob.edit(alice.jid, second.id, `*two* @${phoneOf(alice.jid)}`);
    const third = await bob.sendText(alice.jid, "oops");
    await bob.revoke(alice.jid, third.id);
    const image = await bob.sendMedia(alice.jid, { kind: "image", data: Buffer.from("jpeg"), mime: "image/jpeg", caption: "old caption" });
    await bob.edit(alice.jid, image.id, "new caption");
    const mine = await alice.sendText(bob.jid, "mine", { quoted: { id: first.id, participant: bob.jid } });
    const history = await session.history(bob.jid, 50);
    expect(history.map((event) => event.id)).toEqual([first.id, second.id, image.id, mine.id]);
    expect(history[1]?.body).toEqual({
      kind: "text",
      text: {
        text: `two @${phoneOf(alice.jid)}`,
        entities: [
          { type: "bold", offset: 0, length: 3 },
          { type: "mention", offset: 4, length: 12, user: alice.jid },
        ],
      },
    });
    expect(history[2]?.body).toMatchObject({ kind: "media", media: "image", caption: { text: "new caption" } });
    expect(history[3]).toMatchObject({ sender: { id: alice.jid, isMe: true }, chat: { id: bob.jid, kind: "direct" }, replyTo: { id: first.id, sender: bob.jid } });
    expect((await session.history(bob.jid, 2)).map((event) => event.id)).toEqual([image.id, mine.id]);
  });

  it("pages back through history to fill the limit", async () => {
    const { alice, bob, session } = await aliceWithBridge();
    const sent: string[] = [];
    for (let i = 0; i < 230; i++) sent.push((await bob.sendText(alice.jid, `m${i}`)).id);
    const history = await session.history(bob.jid, 220);
    expect(history.map((event) => event.id)).toEqual(sent.slice(-220));
  });
});
