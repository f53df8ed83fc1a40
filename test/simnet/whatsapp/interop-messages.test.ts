/**
 * Third-party chats on WhatsApp, what flows in them: every action as a third-party identity and
 * WhatsApp's refusals past its limits, users' actions reaching the provider, files both ways, and
 * end-to-end encryption to and from the provider's device key.
 */
import { describe, expect, it } from "@jest/globals";
import { existsSync, readFileSync } from "node:fs";
import type { SimnetRequestError } from "../../../src/simnet/client/http.js";
import { FrameSocket } from "../../../src/simnet/client/socket.js";
import { WhatsappAgent } from "../../../src/simnet/whatsapp/client/agent.js";
import { importDeviceKeys, interopAad, PairwiseCipher } from "../../../src/simnet/whatsapp/client/crypto.js";
import { InteropApi } from "../../../src/simnet/whatsapp/client/interop-api.js";
import type { WhatsappClient } from "../../../src/simnet/whatsapp/client/client.js";
import { interopIdOf, listening, optedIn, publish, startInterop } from "./interop-support.js";
import { errorCode, linkCompanion, record } from "./support.js";

/** Alice (a WhatsApp user, listening through the facade) and Carol (a Messenger identity) in a direct chat. */
async function aliceAndCarol(options: Parameters<typeof startInterop>[0] = {}) {
  const test = await startInterop(options);
  const alice = await optedIn(test.wa, "Alice", { discoverable: true });
  const carol = await publish(test.provider, "carol", "Carol");
  const aliceId = await interopIdOf(test.provider, alice);
  const chat = await test.provider.createChat({ kind: "direct", creator: "carol", members: [{ kind: "native", id: aliceId }] });
  const app = await listening(new WhatsappAgent(alice));
  return { ...test, alice, carol, aliceId, chat, app };
}

/** Every byte SQLite holds for the network: the database file and its write-ahead log. */
function databaseBytes(path: string): Buffer {
  return Buffer.concat([path, `${path}-wal`].filter(existsSync).map((file) => readFileSync(file)));
}

describe("whatsapp third-party chats: messages", () => {
  it("delivers the provider's message to the app marked with the sender's name and badge, and the user's reply to the provider", async () => {
    const { provider, log, alice, carol, aliceId, chat, app, credentials } = await aliceAndCarol();
    const sent = await provider.send(chat.id, "carol", { text: "hello from Messenger" }, "key-1");
    const shown = await app.waitFor((e) => e.kind === "message" && e.messageId === sent.id);
    expect(shown).toMatchObject({ chat: carol.jid, sender: carol.jid, text: "hello from Messenger", at: sent.at, thirdParty: { provider: credentials.providerId, id: "carol", name: "Carol", network: "messenger" } });
    const reply = await new WhatsappAgent(alice).send(carol.jid, "hi Carol", { replyTo: sent.id });
    const received = await log.waitFor("message", (e) => e.id === reply.id);
    expect(received).toEqual({ type: "message", chat: chat.id, id: reply.id, sender: { kind: "native", id: aliceId }, at: reply.at, body: { text: "hi Carol", replyTo: sent.id } });
    const history = await new WhatsappAgent(alice).history(carol.jid);
    expect(history.map((m) => [m.sender, m.text])).toEqual([[carol.jid, "hello from Messenger"], [alice.jid, "hi Carol"]]);
  });

  it("sends idempotently: the same key gives the first message back and nothing new", async () => {
    const { provider, wa, chat, alice, carol } = await aliceAndCarol();
    const first = await provider.send(chat.id, "carol", { text: "once" }, "same-key");
    expect(await provider.send(chat.id, "carol", { text: "once" }, "same-key")).toEqual(first);
    const other = await provider.send(chat.id, "carol", { text: "twice" }, "other-key");
    expect(other.id).not.toBe(first.id);
    expect((await wa.admin.interopMessages(chat.id)).map((m) => m.id)).toEqual([first.id, other.id]);
    expect((await alice.history(carol.jid)).messages.map((m) => m.id)).toEqual([first.id, other.id]);
  });

  it("edits, reacts (one reaction per identity, null removes it), deletes, reads and types as an identity, each reaching the app", async () => {
    const { provider, alice, carol, chat, app } = await aliceAndCarol();
    const mine = await provider.send(chat.id, "carol", { text: "draft" }, "k");
    const hers = await alice.sendText(carol.jid, "a question");
    await provider.edit(chat.id, "carol", mine.id, "final");
    await app.waitFor((e) => e.kind === "edit" && e.messageId === mine.id && e.text === "final" && e.thirdParty?.id === "carol");
    await provider.react(chat.id, "carol", hers.id, "👍");
    await provider.react(chat.id, "carol", hers.id, "❤️");
    await app.waitFor((e) => e.kind === "reaction" && e.text === "❤️" && e.thirdParty?.id === "carol");
    await provider.react(chat.id, "carol", hers.id, null);
    await app.waitFor((e) => e.kind === "reaction" && e.text === "" && e.messageId === hers.id);
    await provider.markRead(chat.id, "carol", hers.id);
    await app.waitFor((e) => e.kind === "receipt" && e.text === "read" && e.messageId === hers.id && e.thirdParty?.id === "carol");
    await provider.typing(chat.id, "carol", true);
    await app.waitFor((e) => e.kind === "typing" && e.active === true && e.sender === carol.jid && e.thirdParty?.name === "Carol");
    await provider.delete(chat.id, "carol", mine.id);
    await app.waitFor((e) => e.kind === "delete" && e.messageId === mine.id);
    expect((await new WhatsappAgent(alice).history(carol.jid)).map((m) => m.kind)).toEqual(["revoked", "text"]);
  });

  it("keeps one reaction per identity on a message, as for any person", async () => {
    const { provider, wa, alice, carol, chat } = await aliceAndCarol();
    const hers = await alice.sendText(carol.jid, "vote");
    await provider.react(chat.id, "carol", hers.id, "👍");
    await provider.react(chat.id, "carol", hers.id, "🎉");
    const [message] = (await wa.admin.interopMessages(chat.id)).filter((m) => m.id === hers.id);
    expect(message?.reactions.map((r) => r.reactor)).toEqual([carol.jid]);
    await provider.react(chat.id, "carol", hers.id, null);
    const [after] = (await wa.admin.interopMessages(chat.id)).filter((m) => m.id === hers.id);
    expect(after?.reactions).toEqual([]);
  });

  it("brings the user's edits, reactions, deletes, reads and typing to the provider", async () => {
    const { provider, log, alice, carol, aliceId, chat } = await aliceAndCarol();
    const from = { kind: "native", id: aliceId };
    const sent = await provider.send(chat.id, "carol", { text: "hi" }, "k");
    const hers = await alice.sendText(carol.jid, "helo");
    await alice.edit(carol.jid, hers.id, "hello");
    expect(await log.waitFor("edit")).toMatchObject({ chat: chat.id, id: hers.id, sender: from, text: "hello" });
    await alice.react(carol.jid, sent.id, "😂");
    expect(await log.waitFor("reaction", (e) => e.sender.kind === "native")).toMatchObject({ chat: chat.id, id: sent.id, sender: from, emoji: "😂" });
    await alice.react(carol.jid, sent.id, "");
    expect(await log.waitFor("reaction", (e) => e.sender.kind === "native" && e.emoji === null)).toMatchObject({ id: sent.id });
    await alice.markRead(carol.jid, [sent.id]);
    expect(await log.waitFor("read", (e) => e.reader.kind === "native")).toMatchObject({ chat: chat.id, upTo: sent.id, reader: from });
    await alice.setChatState(carol.jid, "composing");
    expect(await log.waitFor("typing", (e) => e.who.kind === "native")).toEqual({ type: "typing", chat: chat.id, who: from, typing: true });
    await alice.revoke(carol.jid, hers.id);
    expect(await log.waitFor("delete", (e) => e.sender.kind === "native")).toMatchObject({ chat: chat.id, id: hers.id, sender: from });
  });

  it("brings group changes made in the app to the provider: members added and leaving, and the title", async () => {
    const { provider, log, wa } = await startInterop();
    const alice = await optedIn(wa, "Alice", { discoverable: true });
    const bob = await optedIn(wa, "Bob", { discoverable: true });
    await publish(provider, "carol", "Carol");
    const aliceId = await interopIdOf(provider, alice);
    const bobId = await interopIdOf(provider, bob);
    const group = await provider.createChat({ kind: "group", title: "Trip", creator: "carol", members: [{ kind: "native", id: aliceId }] });
    await alice.api.setGroupSubject(group.id, "Trip to Lisbon");
    expect(await log.waitFor("title")).toEqual({ type: "title", chat: group.id, title: "Trip to Lisbon", by: { kind: "native", id: aliceId } });
    await provider.addMembers(group.id, "carol", [{ kind: "native", id: bobId }]);
    expect(await log.waitFor("members", (e) => e.added.length > 0)).toEqual({ type: "members", chat: group.id, added: [{ kind: "native", id: bobId }], removed: [], by: { kind: "third_party", id: "carol" } });
    await bob.api.leaveGroup(group.id);
    expect(await log.waitFor("members", (e) => e.removed.length > 0)).toEqual({ type: "members", chat: group.id, added: [], removed: [{ kind: "native", id: bobId }], by: { kind: "native", id: bobId } });
  });

  it("refuses an edit past WhatsApp's 15 minutes and a delete past its 48 hours, as for any sender", async () => {
    const test = await aliceAndCarol({ fakeClock: true });
    const { provider, chat, wa } = test;
    const sent = await provider.send(chat.id, "carol", { text: "early" }, "k");
    wa.clock.now += 15 * 60_000 + 1;
    expect(await errorCode(provider.edit(chat.id, "carol", sent.id, "late"))).toBe("edit_window_expired");
    wa.clock.now += 48 * 3_600_000;
    expect(await errorCode(provider.delete(chat.id, "carol", sent.id))).toBe("revoke_window_expired");
  });

  it("refuses to edit or delete someone else's message, and any action as an identity that is not in the chat", async () => {
    const { provider, alice, carol, chat } = await aliceAndCarol();
    await publish(provider, "erin", "Erin");
    const hers = await alice.sendText(carol.jid, "mine");
    expect(await errorCode(provider.edit(chat.id, "carol", hers.id, "changed"))).toBe("not_sender");
    expect(await errorCode(provider.delete(chat.id, "carol", hers.id))).toBe("not_sender");
    expect(await errorCode(provider.send(chat.id, "erin", { text: "hi" }, "k"))).toBe("not_a_participant");
    expect(await errorCode(provider.typing(chat.id, "erin", true))).toBe("not_a_participant");
    expect(await errorCode(provider.markRead(chat.id, "erin", hers.id))).toBe("not_a_participant");
    expect(await errorCode(provider.send(chat.id, "nobody", { text: "hi" }, "k"))).toBe("identity_not_found");
  });

  it("counts sends per identity against WhatsApp's rate limit", async () => {
    const { provider, wa, alice, chat } = await aliceAndCarol({ rateLimits: { sendsPerMinute: 3 } });
    await publish(provider, "erin", "Erin");
    const erinChat = await provider.createChat({ kind: "direct", creator: "erin", members: [{ kind: "native", id: await interopIdOf(provider, alice) }] });
    for (let i = 0; i < 3; i++) await provider.send(chat.id, "carol", { text: `m${i}` }, `k${i}`);
    expect(await errorCode(provider.send(chat.id, "carol", { text: "one too many" }, "k4"))).toBe("rate_overlimit");
    // Another identity of the same provider has its own allowance.
    await provider.send(erinChat.id, "erin", { text: "fine" }, "e1");
    expect((await wa.admin.interopMessages(chat.id)).length).toBe(3);
  });

  it("carries files both ways byte for byte, and refuses one past WhatsApp's limit for its kind or audio with a caption", async () => {
    const { provider, log, alice, carol, chat, app } = await aliceAndCarol({ mediaLimits: { image: 4096 } });
    const png = Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.alloc(2000, 7)]);
    const sent = await provider.send(chat.id, "carol", { text: "a picture", media: { kind: "image", mimeType: "image/png", fileName: "p.png", data: png } }, "img");
    const shown = await app.waitFor((e) => e.kind === "message" && e.messageId === sent.id);
    expect(shown.media).toMatchObject({ kind: "image", mime: "image/png", size: png.length });
    expect(await shown.media?.download()).toEqual(png);
    expect(shown.text).toBe("a picture");
    const pdf = Buffer.from("%PDF-1.4 the plan");
    const back = await alice.sendMedia(carol.jid, { kind: "document", data: pdf, mime: "application/pdf", fileName: "plan.pdf", caption: "the plan" });
    const received = await log.waitFor("message", (e) => e.id === back.id);
    expect(received.body).toMatchObject({ text: "the plan", media: { kind: "file", mimeType: "application/pdf", fileName: "plan.pdf" } });
    expect(await received.body.media?.download()).toEqual(pdf);
    const tooBig = Buffer.alloc(4097, 1);
    expect(await errorCode(provider.send(chat.id, "carol", { media: { kind: "image", mimeType: "image/png", data: tooBig } }, "big"))).toBe("media_too_large");
    // WhatsApp audio has no caption: the text cannot ride along.
    const ogg = { kind: "audio" as const, mimeType: "audio/ogg", data: Buffer.from("OggS voice") };
    expect(await errorCode(provider.send(chat.id, "carol", { text: "listen", media: ogg }, "voice-1"))).toBe("caption_not_supported");
    const voice = await provider.send(chat.id, "carol", { media: ogg }, "voice-2");
    expect((await app.waitFor((e) => e.kind === "message" && e.messageId === voice.id)).media).toMatchObject({ kind: "audio", mime: "audio/ogg" });
  });
});

describe("whatsapp third-party chats: encryption", () => {
  it("stores ciphertext only: no text or file from either side is in the database, and the admin sees the provider's copy by size", async () => {
    const { provider, wa, alice, carol, chat, log, credentials } = await aliceAndCarol();
    const secrets = { fromProvider: "PROVIDER-SECRET-text-4711", fromUser: "USER-SECRET-text-0815", file: "FILE-SECRET-bytes-1234" };
    const sent = await provider.send(chat.id, "carol", { text: secrets.fromProvider, media: { kind: "file", mimeType: "text/plain", data: Buffer.from(secrets.file) } }, "s");
    const hers = await alice.sendText(carol.jid, secrets.fromUser);
    // Both ends could read what the server cannot.
    expect((await log.waitFor("message", (e) => e.id === hers.id)).body.text).toBe(secrets.fromUser);
    const stored = databaseBytes(wa.net.databasePath);
    for (const secret of Object.values(secrets)) {
      expect({ secret, utf8: stored.includes(Buffer.from(secret)), base64: stored.includes(Buffer.from(Buffer.from(secret).toString("base64").slice(0, 16))) }).toEqual({ secret, utf8: false, base64: false });
    }
    const messages = await wa.admin.interopMessages(chat.id);
    expect(messages.map((m) => m.id)).toEqual([sent.id, hers.id]);
    expect(messages[1]?.copies.map((c) => c.device)).toContain(`${credentials.providerId}@interop`);
    expect(messages[1]?.copies.every((c) => c.ciphertext_bytes > secrets.fromUser.length)).toBe(true);
  });

  it("encrypts for a device the user links mid-chat, and opens what that device sends", async () => {
    const { provider, wa, log, alice, carol, chat } = await aliceAndCarol();
    await provider.send(chat.id, "carol", { text: "before" }, "k1");
    const desktop = await linkCompanion(wa, alice, "Desktop");
    const desktopSees = record(desktop, "message");
    await desktop.connect();
    // The provider's cached device list is stale now: the server says so, and the kit seals again.
    const after = await provider.send(chat.id, "carol", { text: "after" }, "k2");
    expect((await desktopSees.waitFor(1, (m) => m.id === after.id))[0]?.content).toMatchObject({ type: "text", text: "after" });
    const fromDesktop = await desktop.sendText(carol.jid, "from my desktop");
    expect(await log.waitFor("message", (e) => e.id === fromDesktop.id)).toMatchObject({ body: { text: "from my desktop" }, sender: { kind: "native" } });
    const devices = await provider.api.chatDevices(chat.id);
    expect(devices.map((d) => d.jid).filter((jid) => jid.endsWith(":1"))).toHaveLength(1);
  });

  it("skips a copy for the provider's device that does not open with its key, and goes on with the next", async () => {
    const { alice, carol, log } = await aliceAndCarol();
    const devices = await alice.api.chatDevices(carol.jid);
    const providerDevice = devices.find((d) => d.jid.endsWith("@interop"));
    expect(providerDevice?.public_key).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    // A copy for the provider's device sealed with the wrong key is skipped, not delivered as garbage.
    const garbage = Buffer.alloc(60, 9).toString("base64");
    await alice.api.send({ id: "3EB0000000000000000000AA", to: carol.jid, kind: "message", copies: Object.fromEntries(devices.map((d) => [d.jid, garbage])) });
    const real = await alice.sendText(carol.jid, "readable");
    await log.waitFor("message", (e) => e.id === real.id);
    expect(log.events.some((e) => e.type === "message" && e.id === "3EB0000000000000000000AA")).toBe(false);
  });

  it("never lets a phone number reach the provider: not in ids, names, opt-ins, the list of users, stanzas or the decrypted contents of mentions, replies and contact cards", async () => {
    const { wa, provider, log, credentials } = await startInterop();
    const alice = await optedIn(wa, "Alice", { discoverable: true });
    const bob: WhatsappClient = await optedIn(wa, "Bob", { discoverable: true });
    await publish(provider, "carol", "Carol");
    const phones = [alice, bob].map((c) => c.jid.split("@")[0] as string);
    const found = await Promise.all(phones.map((phone) => provider.lookup(`+${phone}`)));
    const members = found.map((user) => ({ kind: "native" as const, id: user?.id ?? "" }));
    const group = await provider.createChat({ kind: "group", title: "Trip", creator: "carol", members });
    const answers: unknown[] = [found, group, await provider.api.chatDevices(group.id), await provider.optedIn()];
    const bobSees = record(bob, "message");
    await bob.connect();
    const bobs = await bob.sendText(group.id, "what time?");
    await alice.sendText(group.id, `@${phones[1]} at noon`, { quoted: { id: bobs.id, participant: bob.jid, preview: "what time?" } });
    await alice.sendContact(group.id, { displayName: "Bob", vcard: `BEGIN:VCARD\nFN:Bob\nTEL;waid=${phones[1]}:+${phones[1]}\nEND:VCARD` });
    const edited = await alice.sendText(group.id, "typo");
    await alice.edit(group.id, edited.id, `ask @${phones[1]}`);
    await bob.markRead(group.id, [(await provider.send(group.id, "carol", { text: "ok" }, "ok")).id]);
    await alice.setChatState(group.id, "composing");
    await bob.api.leaveGroup(group.id);
    await alice.api.setSettings({ third_party_chats: false });
    await log.waitFor("opt_out");
    await bobSees.waitFor(3);
    // Refusals name nobody by number either.
    answers.push(await provider.addMembers(group.id, "carol", members.slice(0, 1)).catch((error: SimnetRequestError) => error.body));
    expect(JSON.stringify(answers[answers.length - 1])).toContain("not_opted_in");

    // The mention reached the provider as a name, the reply by id only, the card without its number.
    const texts = log.events.flatMap((e) => (e.type === "message" ? [e.body.text] : e.type === "edit" ? [e.text] : []));
    expect(texts).toEqual(["what time?", "@Bob at noon", "[contact: Bob]", "typo", "ask @Bob", "ok"]);
    expect(await log.waitFor("message", (e) => e.body.text === "@Bob at noon")).toMatchObject({ body: { replyTo: bobs.id } });

    // Everything the provider's socket carried, replayed from the start of its stream.
    await provider.close();
    const socket = await FrameSocket.open(`${wa.net.url}/ws/chat`);
    const frames: Record<string, unknown>[] = [];
    socket.onFrame((frame) => frames.push(frame));
    socket.send({ type: "hello", token: credentials.token, after: 0 });
    await socket.next((frame) => frame.type === "notification" && frame.kind === "opt_out");
    await socket.close();
    // And every copy sealed for the provider's device, opened whole (not only what the kit shows).
    const cipher = new PairwiseCipher(importDeviceKeys(credentials.privateKey));
    const api = new InteropApi(wa.net.url, credentials.token);
    const plaintexts: string[] = [];
    for (const frame of frames.filter((f) => f.type === "message")) {
      const from = String(frame.from_device);
      const key = from.endsWith("@interop") ? cipher.publicKey : (await api.userDevices(from.split(":")[0] ?? "")).find((d) => d.jid === from)?.public_key ?? "";
      plaintexts.push(cipher.decrypt(key, String(frame.ciphertext), interopAad(String(frame.id), key, cipher.publicKey)).toString("utf8"));
    }
    api.http.close();
    expect(plaintexts.length).toBe(6);
    const everything = JSON.stringify({ events: log.events, frames, answers, plaintexts });
    for (const phone of phones) expect({ phone, found: everything.includes(phone) }).toEqual({ phone, found: false });
  });
});
