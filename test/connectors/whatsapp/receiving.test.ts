import { describe, expect, it } from "@jest/globals";
import { uploadFile } from "../../../src/connectors/whatsapp/files.js";
import type { IncomingFile, MessageEvent } from "../../../src/network/index.js";
import { newMessageId } from "../../../src/simnet/whatsapp/client/client.js";
import { phoneOf } from "../../../src/simnet/whatsapp/protocol.js";
import { aliceWithBridge, registerPhone } from "./support.js";

const fileOf = (event: MessageEvent): IncomingFile => {
  if (event.body.kind !== "media") throw new Error(`not media: ${event.body.kind}`);
  return event.body.file;
};

describe("whatsapp connector receiving", () => {
  it("hands every kind of message to the core as a message event", async () => {
    const { alice, bob, session, sink } = await aliceWithBridge();
    await session.start();
    const direct = { id: bob.jid, kind: "direct" };
    const from = { id: bob.jid, isMe: false };
    const text = await bob.sendText(alice.jid, `*hi* @${phoneOf(alice.jid)} and @${phoneOf(bob.jid)}`, { mentions: [alice.jid] });
    const reply = await bob.sendText(alice.jid, "re", { quoted: { id: text.id, participant: bob.jid, preview: "hi" } });
    const image = await bob.sendMedia(alice.jid, { kind: "image", data: Buffer.from("jpeg bytes"), mime: "image/jpeg", caption: "_look_", width: 640, height: 480 });
    const document = await bob.sendMedia(alice.jid, { kind: "document", data: Buffer.from("%PDF"), mime: "application/pdf", fileName: "notes.pdf" });
    const video = await bob.sendMedia(alice.jid, { kind: "video", data: Buffer.from("mp4"), mime: "video/mp4", seconds: 3 });
    const sticker = await bob.sendMedia(alice.jid, { kind: "sticker", data: Buffer.from("webp"), mime: "image/webp" });
    const voice = await bob.sendVoiceNote(alice.jid, { data: Buffer.from("opus"), seconds: 7, waveform: [0, 50, 100] });
    const audioRef = await uploadFile(bob, "audio", Buffer.from("mp3"), "audio/mpeg", "song.mp3");
    const audio = await bob.sendMessage(alice.jid, { type: "audio", ptt: false, media: audioRef, seconds: 2 });
    const location = await bob.sendLocation(alice.jid, { latitude: 52.52, longitude: 13.405, name: "Berlin", address: "Mitte" });
    const contact = await bob.sendContact(alice.jid, { displayName: "Carol", vcard: "BEGIN:VCARD\nFN:Carol\nEND:VCARD" });
    const events = await sink.waitFor("message", 10);

    expect(events.map((event) => event.id)).toEqual([text, reply, image, document, video, sticker, voice, audio, location, contact].map((ack) => ack.id));
    for (const event of events) expect(event).toMatchObject({ chat: direct, sender: from });
    expect(events[0]).toEqual({
      type: "message",
      chat: direct,
      sender: from,
      timestamp: text.t,
      id: text.id,
      body: {
        kind: "text",
        text: {
          text: `hi @${phoneOf(alice.jid)} and @${phoneOf(bob.jid)}`,
          entities: [
            { type: "bold", offset: 0, length: 2 },
            { type: "mention", offset: 3, length: 12, user: alice.jid },
          ],
        },
      },
    });
    expect(events[1]).toMatchObject({ body: { kind: "text", text: { text: "re" } }, replyTo: { id: text.id, sender: bob.jid } });
    expect(events[2]?.body).toMatchObject({ kind: "media", media: "image", file: { mimeType: "image/jpeg", size: 10, width: 640, height: 480 }, caption: { text: "look", entities: [{ type: "italic", offset: 0, length: 4 }] } });
    expect(await fileOf(events[2] as MessageEvent).download()).toEqual(Buffer.from("jpeg bytes"));
    expect(events[3]?.body).toMatchObject({ kind: "media", media: "file", file: { mimeType: "application/pdf", fileName: "notes.pdf" } });
    expect(await fileOf(events[3] as MessageEvent).download()).toEqual(Buffer.from("%PDF"));
    expect(events[4]?.body).toMatchObject({ kind: "media", media: "video", file: { durationMs: 3000 } });
    expect(events[5]?.body).toMatchObject({ kind: "media", media: "sticker", file: { mimeType: "image/webp" } });
    expect(events[6]?.body).toMatchObject({ kind: "media", media: "voice", file: { durationMs: 7000, waveform: [0, 512, 1024] } });
    expect(await fileOf(events[6] as MessageEvent).download()).toEqual(Buffer.from("opus"));
    expect(events[7]?.body).toMatchObject({ kind: "media", media: "audio", file: { mimeType: "audio/mpeg", fileName: "song.mp3", durationMs: 2000 } });
    expect(events[8]?.body).toEqual({ kind: "location", latitude: 52.52, longitude: 13.405, name: "Berlin", address: "Mitte" });
    expect(events[9]?.body).toEqual({ kind: "contact", displayName: "Carol", vcard: "BEGIN:VCARD\nFN:Carol\nEND:VCARD" });
    expect(events[9]?.timestamp).toBe(contact.t);
  });

  it("hands over edits, reactions, removed reactions and deletes for everyone", async () => {
    const { alice, bob, session, sink } = await aliceWithBridge();
    await session.start();
    const original = await bob.sendText(alice.jid, "helo");
    const edit = await bob.edit(alice.jid, original.id, "*hello*");
    const reaction = await bob.react(alice.jid, original.id, "👍");
    const removal = await bob.react(alice.jid, original.id, "");
    const revoke = await bob.revoke(alice.jid, original.id);
    await sink.waitFor("delete");
    const base = { chat: { id: bob.jid, kind: "direct" }, sender: { id: bob.jid, isMe: false } };
    expect(sink.events.filter((event) => event.type !== "presence").slice(1)).toEqual([
      { type: "edit", ...base, timestamp: edit.t, id: edit.id, target: original.id, text: { text: "hello", entities: [{ type: "bold", offset: 0, length: 5 }] } },
      { type: "reaction", ...base, timestamp: reaction.t, target: original.id, emoji: "👍" },
      { type: "reaction-removed", ...base, timestamp: removal.t, target: original.id },
      { type: "delete", ...base, timestamp: revoke.t, target: original.id },
    ]);
  });

  it("marks what the account does from its phone as its own, and hands over receipts", async () => {
    const { alice, bob, session, sink } = await aliceWithBridge();
    await bob.connect();
    await session.start();
    const mine = await alice.sendText(bob.jid, "from my phone");
    const [echo] = await sink.waitFor("message");
    expect(echo).toMatchObject({ id: mine.id, chat: { id: bob.jid, kind: "direct" }, sender: { id: alice.jid, isMe: true }, body: { text: { text: "from my phone" } } });
    // Bob's phone confirms delivery by itself, then reads it.
    await bob.markRead(alice.jid, [mine.id]);
    const receipts = await sink.waitFor("receipt", 2);
    expect(receipts.map((r) => r.kind).sort()).toEqual(["delivered", "read"]);
    expect(receipts.find((r) => r.kind === "read")).toMatchObject({ chat: { id: bob.jid, kind: "direct" }, sender: { id: bob.jid, isMe: false }, targets: [mine.id] });
    // Alice reading Bob's message on her phone reaches her other devices as her own receipt.
    const theirs = await bob.sendText(alice.jid, "read me");
    await alice.markRead(bob.jid, [theirs.id]);
    const [own] = await sink.waitFor("receipt", 1, (r) => r.sender.isMe);
    expect(own).toMatchObject({ kind: "read", sender: { id: alice.jid, isMe: true }, targets: [theirs.id] });
  });

  it("hands over typing and the presence of people the account has direct chats with", async () => {
    const { alice, bob, session, sink } = await aliceWithBridge();
    await bob.sendText(alice.jid, "a direct chat exists");
    await bob.connect();
    await session.start();
    // Subscribed on connecting: the current presence comes first.
    const [initial] = await sink.waitFor("presence");
    expect(initial).toMatchObject({ chat: { id: bob.jid, kind: "direct" }, sender: { id: bob.jid, isMe: false }, state: "offline" });
    await bob.setPresence("available");
    await sink.waitFor("presence", 1, (p) => p.state === "online");
    for (const state of ["composing", "recording", "paused"] as const) await bob.setChatState(alice.jid, state);
    const typing = await sink.waitFor("typing", 3);
    expect(typing.map((t) => t.state)).toEqual(["typing", "recording", "stopped"]);
    expect(typing[0]).toMatchObject({ chat: { id: bob.jid, kind: "direct" }, sender: { id: bob.jid, isMe: false } });
    await bob.disconnect();
    const [offline] = await sink.waitFor("presence", 1, (p) => p.state === "offline" && p.lastSeen !== undefined);
    expect(offline?.lastSeen).toEqual(expect.any(Number));
  });

  it("hands over group changes as chat-info, membership and admin events", async () => {
    const { wa, alice, bob, session, sink } = await aliceWithBridge();
    const carol = await registerPhone(wa, "Carol");
    await session.start();
    const group = await alice.api.createGroup("Trip", [bob.jid]);
    const chat = { id: group.jid, kind: "group" };
    const byAlice = { chat, sender: { id: alice.jid, isMe: true } };
    await alice.api.setGroupSubject(group.jid, "Trip 2");
    await alice.api.setGroupDescription(group.jid, "Where and when");
    await alice.api.setGroupPicture(group.jid, Buffer.from("picture bytes"));
    await alice.api.setGroupDescription(group.jid, "");
    await alice.api.setGroupPicture(group.jid, null);
    await alice.api.participants(group.jid, "add", [carol.jid]);
    await alice.api.participants(group.jid, "promote", [carol.jid]);
    await alice.api.participants(group.jid, "demote", [carol.jid]);
    await alice.api.participants(group.jid, "remove", [carol.jid]);
    await bob.api.leaveGroup(group.jid);
    await sink.waitFor("membership", 3);
    const events = sink.events.map(({ timestamp: _t, ...rest }) => rest);
    expect(events.slice(0, 6)).toEqual([
      { type: "chat-info", ...byAlice, name: "Trip" },
      { type: "chat-info", ...byAlice, name: "Trip 2" },
      { type: "chat-info", ...byAlice, topic: "Where and when" },
      { type: "chat-info", ...byAlice, avatar: expect.objectContaining({ mimeType: "image/jpeg" }) },
      { type: "chat-info", ...byAlice, topic: null },
      { type: "chat-info", ...byAlice, avatar: null },
    ]);
    const avatar = sink.ofType("chat-info")[3]?.avatar;
    expect(await avatar?.download()).toEqual(Buffer.from("picture bytes"));
    expect(events.slice(6)).toEqual([
      { type: "membership", ...byAlice, action: "add", members: [carol.jid] },
      { type: "admins", ...byAlice, promoted: [carol.jid], demoted: [] },
      { type: "admins", ...byAlice, promoted: [], demoted: [carol.jid] },
      { type: "membership", ...byAlice, action: "remove", members: [carol.jid] },
      { type: "membership", chat, sender: { id: bob.jid, isMe: false }, action: "leave", members: [bob.jid] },
    ]);
  });

  it("skips notifications it does not show and messages it cannot decrypt, and goes on", async () => {
    const { alice, bob, session, sink } = await aliceWithBridge();
    await session.start();
    await alice.api.setSettings({ third_party_chats: true });
    // Bob's client is broken: its copies are no ciphertext anyone can open.
    const devices = await bob.api.chatDevices(alice.jid);
    const garbage = Object.fromEntries(devices.map((device) => [device.jid, Buffer.alloc(48, 7).toString("base64")]));
    await bob.api.send({ id: newMessageId(), to: alice.jid, kind: "message", copies: garbage });
    await bob.sendText(alice.jid, "after the broken one");
    const [message] = await sink.waitFor("message");
    expect(message?.body).toMatchObject({ text: { text: "after the broken one" } });
    expect(sink.events.filter((event) => event.type !== "presence").map((event) => event.type)).toEqual(["message"]);
    expect(sink.logs).toContainEqual(expect.objectContaining({ level: "warn", message: expect.stringContaining("does not decrypt") }));
    expect(sink.logs).toContainEqual(expect.objectContaining({ level: "debug", meta: expect.objectContaining({ kind: "settings" }) }));
  });
});
