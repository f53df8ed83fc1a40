import { describe, expect, it } from "@jest/globals";
import { messageIdFor } from "../../../src/connectors/whatsapp/ids.js";
import type { OutgoingFile } from "../../../src/network/index.js";
import { phoneOf } from "../../../src/simnet/whatsapp/protocol.js";
import { aliceWithBridge, errorCode, recordPhone, registerPhone } from "./support.js";

const file = (data: string, info: Omit<OutgoingFile, "data">): OutgoingFile => ({ data: Buffer.from(data), ...info });

describe("whatsapp connector sending", () => {
  it("sends formatted text with mentions and replies that reach the phone", async () => {
    const { alice, bob, session } = await aliceWithBridge();
    const received = recordPhone(bob, "message");
    await bob.connect();
    await session.start();
    const sent = await session.send(
      bob.jid,
      {
        body: {
          kind: "text",
          text: { text: "hello Bob, see code", entities: [{ type: "bold", offset: 0, length: 5 }, { type: "mention", offset: 6, length: 3, user: bob.jid }, { type: "code", offset: 15, length: 4 }] },
        },
      },
      "key-1",
    );
    expect(sent).toEqual({ id: messageIdFor("key-1"), timestamp: expect.any(Number) });
    const reply = await session.send(bob.jid, { body: { kind: "text", text: { text: "again", entities: [] } }, replyTo: { id: sent.id, sender: alice.jid } }, "key-2");
    // Without the sender, the connector finds it in its own copy of the chat.
    await session.send(bob.jid, { body: { kind: "text", text: { text: "and again", entities: [] } }, replyTo: { id: sent.id } }, "key-3");
    const [first, second, third] = await received.waitFor(3);
    expect(first).toMatchObject({ id: sent.id, t: sent.timestamp, from: alice.jid, content: { type: "text", text: `*hello* @${phoneOf(bob.jid)}, see \`code\``, mentions: [bob.jid] } });
    expect(second).toMatchObject({ id: reply.id, content: { text: "again", quoted: { id: sent.id, participant: alice.jid } } });
    expect(third?.content).toMatchObject({ quoted: { id: sent.id, participant: alice.jid } });
  });

  it("sends every kind of media, locations and contacts", async () => {
    const { alice, bob, session } = await aliceWithBridge();
    const received = recordPhone(bob, "message");
    await bob.connect();
    await session.start();
    const caption = { text: "look Bob", entities: [{ type: "italic" as const, offset: 0, length: 4 }, { type: "mention" as const, offset: 5, length: 3, user: bob.jid }] };
    await session.send(bob.jid, { body: { kind: "media", media: "image", file: file("jpeg", { mimeType: "image/jpeg", width: 10, height: 20 }), caption } }, "image");
    await session.send(bob.jid, { body: { kind: "media", media: "file", file: file("%PDF", { mimeType: "application/pdf", fileName: "notes.pdf" }) } }, "file");
    await session.send(bob.jid, { body: { kind: "media", media: "video", file: file("mp4", { mimeType: "video/mp4", durationMs: 3400 }) } }, "video");
    await session.send(bob.jid, { body: { kind: "media", media: "sticker", file: file("webp", { mimeType: "image/webp" }) } }, "sticker");
    await session.send(bob.jid, { body: { kind: "media", media: "voice", file: file("opus", { mimeType: "audio/ogg", durationMs: 7000, waveform: [0, 512, 1024] }) } }, "voice");
    await session.send(bob.jid, { body: { kind: "media", media: "audio", file: file("mp3", { mimeType: "audio/mpeg", fileName: "song.mp3", durationMs: 2000 }), caption: { text: "a song", entities: [] } } }, "audio");
    await session.send(bob.jid, { body: { kind: "location", latitude: 1.5, longitude: 2.5, name: "Here" } }, "location");
    await session.send(bob.jid, { body: { kind: "contact", displayName: "Carol", vcard: "BEGIN:VCARD\nEND:VCARD" } }, "contact");
    const messages = await received.waitFor(9);
    const contents = messages.map((message) => message.content);
    expect(contents[0]).toMatchObject({ type: "image", caption: `_look_ @${phoneOf(bob.jid)}`, mentions: [bob.jid], width: 10, height: 20, media: { mime: "image/jpeg" } });
    expect(contents[1]).toMatchObject({ type: "document", media: { mime: "application/pdf", file_name: "notes.pdf" } });
    expect(contents[2]).toMatchObject({ type: "video", seconds: 3 });
    expect(contents[3]).toMatchObject({ type: "sticker" });
    expect(contents[4]).toMatchObject({ type: "audio", ptt: true, seconds: 7, waveform: [0, 50, 100] });
    expect(contents[5]).toMatchObject({ type: "audio", ptt: false, seconds: 2, media: { file_name: "song.mp3" } });
    // WhatsApp audio has no caption: it follows as text.
    expect(contents[6]).toMatchObject({ type: "text", text: "a song" });
    expect(contents[7]).toEqual({ type: "location", latitude: 1.5, longitude: 2.5, name: "Here" });
    expect(contents[8]).toEqual({ type: "contact", display_name: "Carol", vcard: "BEGIN:VCARD\nEND:VCARD" });
    for (const [index, data] of [[0, "jpeg"], [1, "%PDF"], [4, "opus"], [5, "mp3"]] as const) {
      const content = contents[index] as { media: Parameters<typeof bob.download>[0] };
      expect(await bob.download(content.media)).toEqual(Buffer.from(data));
    }
    expect(messages.every((message) => message.from === alice.jid)).toBe(true);
  });

  it("makes one message of a send retried with the same key", async () => {
    const { wa, alice, bob, session } = await aliceWithBridge();
    await session.start();
    const message = { body: { kind: "text" as const, text: { text: "once", entities: [] } } };
    const first = await session.send(bob.jid, message, "$event:matrix.example");
    const again = await session.send(bob.jid, message, "$event:matrix.example");
    expect(again).toEqual(first);
    await session.send(bob.jid, { body: { kind: "media", media: "image", file: file("jpeg", { mimeType: "image/jpeg" }) } }, "$image");
    await session.send(bob.jid, { body: { kind: "media", media: "image", file: file("jpeg", { mimeType: "image/jpeg" }) } }, "$image");
    expect((await wa.admin.messages(alice.jid, bob.jid)).map((m) => m.id)).toEqual([first.id, messageIdFor("$image")]);
  });

  it("edits, reacts, removes reactions, deletes, marks read and types, all reaching the phone", async () => {
    const { alice, bob, session } = await aliceWithBridge();
    const edits = recordPhone(bob, "edit");
    const reactions = recordPhone(bob, "reaction");
    const revokes = recordPhone(bob, "revoke");
    const receipts = recordPhone(bob, "receipt");
    const states = recordPhone(bob, "chatstate");
    await bob.connect();
    await session.start();
    const mine = await session.send(bob.jid, { body: { kind: "text", text: { text: "helo", entities: [] } } }, "m1");
    const theirs = await bob.sendText(alice.jid, "nice");
    const edited = await session.edit(bob.jid, mine.id, { text: "hello Bob", entities: [{ type: "mention", offset: 6, length: 3, user: bob.jid }] }, "e1");
    expect(edited.id).toBe(messageIdFor("e1"));
    await session.react(bob.jid, theirs.id, "🎉", "r1");
    await session.removeReaction(bob.jid, theirs.id, "r2");
    await session.delete(bob.jid, mine.id, "d1");
    await session.markRead(bob.jid, [theirs.id]);
    await session.setTyping(bob.jid, true);
    await session.setTyping(bob.jid, false);
    expect((await edits.waitFor(1))[0]).toMatchObject({ id: edited.id, target: mine.id, text: `hello @${phoneOf(bob.jid)}`, mentions: [bob.jid] });
    expect((await reactions.waitFor(2)).map((r) => [r.id, r.target, r.emoji])).toEqual([
      [messageIdFor("r1"), theirs.id, "🎉"],
      [messageIdFor("r2"), theirs.id, ""],
    ]);
    expect((await revokes.waitFor(1))[0]).toMatchObject({ id: messageIdFor("d1"), target: mine.id });
    expect((await receipts.waitFor(1, (r) => r.kind === "read"))[0]).toMatchObject({ from: alice.jid, ids: [theirs.id] });
    expect((await states.waitFor(2)).map((s) => [s.from, s.state])).toEqual([
      [alice.jid, "composing"],
      [alice.jid, "paused"],
    ]);
  });

  it("changes groups: name, topic, picture, members, admins, leaving", async () => {
    const { wa, alice, bob, session } = await aliceWithBridge();
    const carol = await registerPhone(wa, "Carol");
    await session.start();
    const group = await alice.api.createGroup("Trip", [bob.jid]);
    await session.setChatName(group.jid, "Trip 2");
    await session.setChatTopic(group.jid, "When and where");
    await session.setChatAvatar(group.jid, { data: Buffer.from("jpeg"), mimeType: "image/jpeg" });
    await session.addMembers(group.jid, [carol.jid]);
    await session.addMembers(group.jid, [carol.jid]);
    await session.setAdmin(group.jid, carol.jid, true);
    let info = await bob.api.group(group.jid);
    expect(info).toMatchObject({ subject: "Trip 2", description: "When and where", picture: expect.any(String) });
    expect(info.participants).toContainEqual({ jid: carol.jid, role: "admin" });
    expect(await bob.api.download(info.picture as string)).toEqual(Buffer.from("jpeg"));
    await session.setAdmin(group.jid, carol.jid, false);
    await session.setChatAvatar(group.jid, null);
    await session.removeMembers(group.jid, [carol.jid]);
    info = await bob.api.group(group.jid);
    expect(info.picture).toBeNull();
    expect(info.participants.map((p) => p.jid).sort()).toEqual([alice.jid, bob.jid].sort());
    await session.leaveChat(group.jid);
    expect((await bob.api.group(group.jid)).participants.map((p) => p.jid)).toEqual([bob.jid]);
  });

  it("names the people a group change was refused for", async () => {
    const { wa, alice, bob, session } = await aliceWithBridge();
    const group = await bob.api.createGroup("Bob's", [alice.jid]);
    // Twelve digits: never one of the test's registered eleven-digit numbers.
    const stranger = "155599900001@s.whatsapp.net";
    const owned = await alice.api.createGroup("Alice's", [bob.jid]);
    const refused = session.addMembers(owned.jid, [stranger]);
    await expect(refused).rejects.toMatchObject({ code: "not_found", message: expect.stringContaining(stranger) });
    expect(await errorCode(session.addMembers(group.jid, [stranger]))).toBe("forbidden");
    expect(await errorCode(session.setAdmin(owned.jid, (await registerPhone(wa, "Dan")).jid, true))).toBe("not_found");
  });
});
