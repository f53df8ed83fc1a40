import { describe, expect, it } from "@jest/globals";
import { readFileSync, existsSync } from "node:fs";
import { PairwiseCipher, generateDeviceKeys, payloadAad, encryptFile, decryptFile, DecryptError } from "../../../src/simnet/whatsapp/client/crypto.js";
import { newMessageId } from "../../../src/simnet/whatsapp/client/client.js";
import { errorCode, linkCompanion, record, registerPhone, startAliceAndBob, startWhatsapp } from "./support.js";

/** Every byte SQLite holds for the network: the database file and its write-ahead log. */
function databaseBytes(path: string): Buffer {
  return Buffer.concat([path, `${path}-wal`].filter(existsSync).map((file) => readFileSync(file)));
}

describe("whatsapp end-to-end encryption", () => {
  it("stores no plaintext: texts, captions, file bytes, file names, locations and vCards never reach the database", async () => {
    const { wa, alice, bob } = await startAliceAndBob();
    const bobDesktop = await linkCompanion(wa, bob, "Desktop");
    const received = record(bobDesktop, "message");
    await bobDesktop.connect();
    const secrets = {
      text: "the launch code is SWORDFISH-4711",
      caption: "caption of the secret holiday photo",
      fileBytes: "FILE-CONTENT-PLAINTEXT-MARKER-93847",
      fileName: "secret-plans-file-name.pdf",
      placeName: "Hidden Hideout Diner",
      address: "42 Clandestine Lane",
      vcardName: "Mallory Undercover",
    };
    await alice.sendText(bob.jid, secrets.text);
    await alice.sendMedia(bob.jid, { kind: "image", data: Buffer.from(secrets.fileBytes.repeat(20)), mime: "image/jpeg", caption: secrets.caption });
    await alice.sendMedia(bob.jid, { kind: "document", data: Buffer.from(secrets.fileBytes), mime: "application/pdf", fileName: secrets.fileName });
    await alice.sendLocation(bob.jid, { latitude: 1.5, longitude: 2.5, name: secrets.placeName, address: secrets.address });
    await alice.sendContact(bob.jid, { displayName: secrets.vcardName, vcard: `BEGIN:VCARD\nFN:${secrets.vcardName}\nEND:VCARD` });
    const group = await alice.api.createGroup("Plans", [bob.jid]);
    await alice.sendText(group.jid, `${secrets.text} (group)`);
    await received.waitFor(6);
    // Proves the recipient could read what the server cannot.
    expect(received.items[0]?.content).toMatchObject({ text: secrets.text });

    const stored = databaseBytes(wa.net.databasePath);
    for (const secret of Object.values(secrets)) {
      expect({ secret, utf8: stored.includes(Buffer.from(secret)), base64: stored.includes(Buffer.from(Buffer.from(secret).toString("base64").slice(0, 16))) }).toEqual({
        secret,
        utf8: false,
        base64: false,
      });
    }
    // The routing metadata the server needs is there, in the clear.
    expect(stored.includes(Buffer.from(group.jid))).toBe(true);
  });

  it("keeps only public keys on the server", async () => {
    const wa = await startWhatsapp();
    const alice = await registerPhone(wa, "Alice");
    const saved = alice.save();
    const stored = databaseBytes(wa.net.databasePath);
    expect(stored.includes(Buffer.from(saved.privateKey))).toBe(false);
    expect(stored.includes(Buffer.from(Buffer.from(saved.privateKey, "base64").subarray(-32).toString("base64")))).toBe(false);
    expect((await wa.admin.devices(alice.jid))[0]?.public_key).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it("derives the same pairwise key on both devices and refuses a payload moved to another envelope or tampered with", () => {
    const a = new PairwiseCipher(generateDeviceKeys());
    const b = new PairwiseCipher(generateDeviceKeys());
    const aad = payloadAad("3EB0AAAA", "1@s.whatsapp.net", "2@s.whatsapp.net");
    const sealed = a.encrypt(b.publicKey, Buffer.from("hi"), aad);
    expect(b.decrypt(a.publicKey, sealed, aad).toString()).toBe("hi");
    expect(a.encrypt(b.publicKey, Buffer.from("hi"), aad)).not.toBe(sealed);
    expect(() => b.decrypt(a.publicKey, sealed, payloadAad("3EB0BBBB", "1@s.whatsapp.net", "2@s.whatsapp.net"))).toThrow(DecryptError);
    const tampered = Buffer.from(sealed, "base64");
    tampered[14] = (tampered[14] ?? 0) ^ 1;
    expect(() => b.decrypt(a.publicKey, tampered.toString("base64"), aad)).toThrow(DecryptError);
    const file = encryptFile(Buffer.from("photo"));
    const ref = { key: file.key, sha256: file.sha256, enc_sha256: file.encSha256 };
    expect(decryptFile(file.data, ref).toString()).toBe("photo");
    expect(() => decryptFile(Buffer.concat([file.data, Buffer.from("x")]), ref)).toThrow(DecryptError);
  });

  it("reports a copy it cannot decrypt as a decrypt error instead of a message", async () => {
    const { alice, bob } = await startAliceAndBob();
    const errors = record(bob, "decrypt_error");
    const messages = record(bob, "message");
    await bob.connect();
    const devices = await alice.api.chatDevices(bob.jid);
    const garbage = Buffer.alloc(60, 9).toString("base64");
    await alice.api.send({ id: newMessageId(), to: bob.jid, kind: "message", copies: Object.fromEntries(devices.map((d) => [d.jid, garbage])) });
    await alice.sendText(bob.jid, "a real one");
    expect((await errors.waitFor(1))[0]?.error).toBeInstanceOf(DecryptError);
    expect((await messages.waitFor(1))[0]?.content).toMatchObject({ text: "a real one" });
    expect(await errorCode(alice.api.send({ id: newMessageId(), to: bob.jid, kind: "message", copies: { [bob.jid]: garbage } }))).toBe("device_list_mismatch");
  });
});
