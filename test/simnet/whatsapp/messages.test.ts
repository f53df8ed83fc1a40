import { describe, expect, it } from "@jest/globals";
import { SimnetRequestError } from "../../../src/simnet/client/http.js";
import { newMessageId } from "../../../src/simnet/whatsapp/client/client.js";
import { LIMITS } from "../../../src/simnet/whatsapp/protocol.js";
import { errorCode, linkCompanion, record, registerPhone, startWhatsapp, type WaTest } from "./support.js";

async function pair(wa: WaTest) {
  const alice = await registerPhone(wa, "Alice");
  const bob = await registerPhone(wa, "Bob");
  const received = record(bob, "message");
  await bob.connect();
  return { alice, bob, received };
}

describe("whatsapp message kinds", () => {
  it("delivers an encrypted text with markup and mentions to the recipient, decrypted, with a server timestamp", async () => {
    const wa = await startWhatsapp();
    const { alice, bob, received } = await pair(wa);
    const before = Date.now();
    const text = `*Hi* _there_ ~old~ \`\`\`code\`\`\`\n> quoted\n- item @${bob.jid.split("@")[0]}`;
    const ack = await alice.sendText(bob.jid, text);
    expect(ack.id).toMatch(/^3EB0[0-9A-F]{18}$/);
    expect(ack.t).toBeGreaterThanOrEqual(before);
    const [message] = await received.waitFor(1);
    expect(message).toMatchObject({ id: ack.id, chat: alice.jid, from: alice.jid, fromMe: false, t: ack.t, fromDevice: alice.jid });
    expect(message?.content).toEqual({ type: "text", text, mentions: [bob.jid] });
  });

  it("sends images, video, documents and stickers with captions as encrypted files the recipient downloads and verifies", async () => {
    const wa = await startWhatsapp();
    const { alice, bob, received } = await pair(wa);
    const files = {
      image: Buffer.from("fake jpeg bytes"),
      video: Buffer.alloc(5000, 3),
      document: Buffer.from("%PDF-1.4 report"),
      sticker: Buffer.from("RIFF webp"),
    } as const;
    for (const [kind, data] of Object.entries(files)) {
      await alice.sendMedia(bob.jid, { kind: kind as keyof typeof files, data, mime: "application/octet-stream", caption: `a ${kind}`, fileName: `${kind}.bin` });
    }
    const messages = await received.waitFor(4);
    for (const message of messages) {
      const content = message.content;
      if (!("media" in content)) throw new Error("expected media");
      expect(content).toMatchObject({ caption: `a ${content.type}`, media: { kind: content.type, file_name: `${content.type}.bin` } });
      expect(await bob.download(content.media)).toEqual(files[content.type as keyof typeof files]);
    }
  });

  it("sends voice notes (ptt) with duration and waveform, locations and contact cards", async () => {
    const wa = await startWhatsapp();
    const { alice, bob, received } = await pair(wa);
    const waveform = [0, 20, 90, 40, 5];
    await alice.sendVoiceNote(bob.jid, { data: Buffer.from("opus frames"), seconds: 7, waveform });
    await alice.sendLocation(bob.jid, { latitude: 52.52, longitude: 13.405, name: "Brandenburg Gate", address: "Pariser Platz, Berlin" });
    const vcard = "BEGIN:VCARD\nVERSION:3.0\nFN:Carol\nTEL;type=CELL;waid=15550001111:+1 555 000 1111\nEND:VCARD";
    await alice.sendContact(bob.jid, { displayName: "Carol", vcard });
    const [voice, location, contact] = await received.waitFor(3);
    expect(voice?.content).toMatchObject({ type: "audio", ptt: true, seconds: 7, waveform, media: { kind: "ptt", mime: "audio/ogg; codecs=opus" } });
    expect(location?.content).toEqual({ type: "location", latitude: 52.52, longitude: 13.405, name: "Brandenburg Gate", address: "Pariser Platz, Berlin" });
    expect(contact?.content).toEqual({ type: "contact", display_name: "Carol", vcard });
  });

  it("carries replies as the quoted message id, participant and preview", async () => {
    const wa = await startWhatsapp();
    const { alice, bob, received } = await pair(wa);
    const original = await bob.sendText(alice.jid, "lunch?");
    await alice.sendText(bob.jid, "yes!", { quoted: { id: original.id, participant: bob.jid, preview: "lunch?" } });
    const [reply] = await received.waitFor(1);
    expect(reply?.content.quoted).toEqual({ id: original.id, participant: bob.jid, preview: "lunch?" });
  });
});

describe("whatsapp message rules", () => {
  it("refuses texts over 65,536 characters in the client and oversize ciphertext on the server", async () => {
    const wa = await startWhatsapp();
    const { alice, bob, received } = await pair(wa);
    await alice.sendText(bob.jid, "a".repeat(LIMITS.maxTextChars));
    expect((await received.waitFor(1))[0]?.content).toMatchObject({ text: "a".repeat(LIMITS.maxTextChars) });
    expect(await errorCode(alice.sendText(bob.jid, "a".repeat(LIMITS.maxTextChars + 1)))).toBe("text_too_long");
    const devices = await alice.api.chatDevices(bob.jid);
    const huge = Buffer.alloc(LIMITS.maxPayloadBytes + 100).toString("base64");
    const copies = Object.fromEntries(devices.map((d) => [d.jid, huge]));
    expect(await errorCode(alice.api.send({ id: newMessageId(), to: bob.jid, kind: "message", copies }))).toBe("message_too_large");
  });

  it("enforces media size limits per kind on the encrypted upload", async () => {
    const wa = await startWhatsapp({ mediaLimits: { sticker: 1000, image: 4000 } });
    const { alice, bob } = await pair(wa);
    await alice.sendMedia(bob.jid, { kind: "sticker", data: Buffer.alloc(1000), mime: "image/webp" });
    expect(await errorCode(alice.sendMedia(bob.jid, { kind: "sticker", data: Buffer.alloc(1001), mime: "image/webp" }))).toBe("media_too_large");
    await alice.sendMedia(bob.jid, { kind: "image", data: Buffer.alloc(4000), mime: "image/jpeg" });
    expect(await errorCode(alice.sendMedia(bob.jid, { kind: "image", data: Buffer.alloc(4001), mime: "image/jpeg" }))).toBe("media_too_large");
  });

  it("lets only the sender edit, and only within 15 minutes", async () => {
    const wa = await startWhatsapp({ fakeClock: true });
    const { alice, bob } = await pair(wa);
    const edits = record(bob, "edit");
    const sent = await alice.sendText(bob.jid, "helo");
    await alice.edit(bob.jid, sent.id, "hello");
    const [edit] = await edits.waitFor(1);
    expect(edit).toMatchObject({ target: sent.id, text: "hello", from: alice.jid });
    expect(await errorCode(bob.edit(alice.jid, sent.id, "hijacked"))).toBe("not_sender");
    wa.clock.now += 15 * 60_000 + 1;
    expect(await errorCode(alice.edit(bob.jid, sent.id, "too late"))).toBe("edit_window_expired");
    expect(await errorCode(alice.edit(bob.jid, newMessageId(), "nothing"))).toBe("message_not_found");
  });

  it("lets the sender delete for everyone within 48 hours, and nobody else in a direct chat", async () => {
    const wa = await startWhatsapp({ fakeClock: true });
    const { alice, bob } = await pair(wa);
    const revokes = record(bob, "revoke");
    const first = await alice.sendText(bob.jid, "oops");
    const second = await alice.sendText(bob.jid, "old news");
    expect(await errorCode(bob.revoke(alice.jid, first.id))).toBe("not_sender");
    await alice.revoke(bob.jid, first.id);
    expect((await revokes.waitFor(1))[0]).toMatchObject({ target: first.id, from: alice.jid });
    expect(await errorCode(alice.edit(bob.jid, first.id, "edit a deleted one"))).toBe("message_revoked");
    expect(await errorCode(alice.react(bob.jid, first.id, "👍"))).toBe("message_revoked");
    wa.clock.now += 48 * 3_600_000 + 1;
    expect(await errorCode(alice.revoke(bob.jid, second.id))).toBe("revoke_window_expired");
    const stored = await wa.admin.messages(alice.jid, bob.jid);
    expect(stored.find((m) => m.id === first.id)).toMatchObject({ revoked_by: alice.jid });
  });

  it("keeps one reaction per user per message: a new one replaces it, an empty one removes it", async () => {
    const wa = await startWhatsapp();
    const { alice, bob } = await pair(wa);
    const reactions = record(bob, "reaction");
    const sent = await bob.sendText(alice.jid, "news");
    const first = await alice.react(bob.jid, sent.id, "👍");
    const second = await alice.react(bob.jid, sent.id, "❤️");
    const stored = async () => (await wa.admin.messages(alice.jid, bob.jid)).find((m) => m.id === sent.id)?.reactions;
    expect(await stored()).toEqual([{ reactor: alice.jid, reaction: second.id }]);
    expect(first.id).not.toBe(second.id);
    await alice.react(bob.jid, sent.id, "");
    expect(await stored()).toEqual([]);
    const seen = await reactions.waitFor(3);
    expect(seen.map((r) => [r.target, r.emoji])).toEqual([
      [sent.id, "👍"],
      [sent.id, "❤️"],
      [sent.id, ""],
    ]);
  });

  it("treats a resent message id from the same sender as the same message: the original ack, no second message", async () => {
    const wa = await startWhatsapp();
    const { alice, bob, received } = await pair(wa);
    const id = newMessageId();
    const first = await alice.sendText(bob.jid, "once", { id });
    const retry = await alice.sendText(bob.jid, "once", { id });
    expect(retry).toEqual(first);
    await alice.sendText(bob.jid, "after");
    await received.waitFor(2);
    expect(received.items.map((m) => m.content.type === "text" && m.content.text)).toEqual(["once", "after"]);
    expect((await wa.admin.messages(alice.jid, bob.jid)).filter((m) => m.id === id)).toHaveLength(1);
    expect(await errorCode(bob.sendText(alice.jid, "same id, other sender", { id }))).toBe("message_id_conflict");
  });

  it("limits sends per account and answers 429 with Retry-After", async () => {
    const wa = await startWhatsapp({ rateLimits: { sendsPerMinute: 3 } });
    const alice = await registerPhone(wa, "Alice", { passiveSends: false });
    const bob = await registerPhone(wa, "Bob");
    for (let i = 0; i < 3; i++) await alice.sendText(bob.jid, `m${i}`);
    const refused = await alice.sendText(bob.jid, "one too many").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SimnetRequestError);
    expect(refused).toMatchObject({ status: 429, code: "rate_overlimit" });
    expect((refused as SimnetRequestError).retryAfter).toBeGreaterThanOrEqual(59);
    await expect(bob.sendText(alice.jid, "others are not limited")).resolves.toMatchObject({ kind: "message" });
  });

  it("answers a stale device list with the chat's devices, and the client re-encrypts for them", async () => {
    const wa = await startWhatsapp();
    const { alice, bob, received } = await pair(wa);
    await alice.sendText(bob.jid, "cached devices");
    await received.waitFor(1);
    const bobDesktop = await linkCompanion(wa, bob, "Desktop");
    const desktopMessages = record(bobDesktop, "message");
    await bobDesktop.connect();
    await alice.sendText(bob.jid, "now to two devices");
    expect((await received.waitFor(2))[1]?.content).toMatchObject({ text: "now to two devices" });
    expect((await desktopMessages.waitFor(1))[0]?.content).toMatchObject({ text: "now to two devices" });
  });
});
