import { describe, expect, it } from "@jest/globals";
import { phoneOf } from "../../../src/simnet/whatsapp/protocol.js";
import { connectBridge, linkBridge, nextPhone, registerPhone, startWhatsapp } from "./support.js";

describe("whatsapp connector login", () => {
  it("declares WhatsApp's name, limits and formatting", async () => {
    const { connector } = await startWhatsapp();
    expect(connector.network).toBe("whatsapp");
    expect(connector.displayName).toBe("WhatsApp");
    expect(connector.capabilities).toMatchObject({
      maxTextLength: 65_536,
      edits: { windowMs: 15 * 60_000 },
      deletes: { windowMs: 48 * 3_600_000, adminsDeleteOthers: true },
      reactions: { perUser: 1 },
      media: { image: 16 * 1024 * 1024, video: 64 * 1024 * 1024, audio: 16 * 1024 * 1024, voice: 16 * 1024 * 1024, file: 100 * 1024 * 1024, sticker: 500 * 1024 },
      receipts: "per-message",
      groups: { rename: true, topic: true, avatar: true, membership: true, admins: true },
    });
    expect(connector.capabilities.edits.maxCount).toBeUndefined();
    expect(connector.capabilities.formatting).toEqual(["bold", "italic", "strikethrough", "code", "pre", "blockquote", "mention"]);
  });

  it("asks for the phone number, and again with the reason for one that is not a number or has no WhatsApp", async () => {
    const wa = await startWhatsapp();
    const flow = wa.connector.login({ deviceName: "crosschat" });
    const first = await flow.start();
    expect(first).toMatchObject({ type: "input", fields: [{ id: "phone" }] });
    expect(first.type === "input" && first.error).toBeFalsy();
    const notANumber = await flow.submit({ phone: "my phone" });
    expect(notANumber).toMatchObject({ type: "input", fields: [{ id: "phone" }], error: expect.stringContaining("not a phone number") });
    const unknown = nextPhone();
    const notOnWhatsapp = await flow.submit({ phone: `+${unknown}` });
    expect(notOnWhatsapp).toMatchObject({ type: "input", error: expect.stringContaining(`+${unknown} has no WhatsApp account`) });
  });

  it("shows a pairing code, and logs in once the phone approves it", async () => {
    const wa = await startWhatsapp();
    const alice = await registerPhone(wa, "Alice");
    const flow = wa.connector.login({ deviceName: "crosschat bridge" });
    await flow.start();
    const shown = await flow.submit({ phone: `+1 ${phoneOf(alice.jid).slice(1)}` });
    if (shown.type !== "display") throw new Error(`no code: ${JSON.stringify(shown)}`);
    expect(shown.code).toMatch(/^[1-9A-Z]{4}-[1-9A-Z]{4}$/);
    expect(shown.instructions).toContain("Linked devices");
    expect(shown.instructions).toContain("Link with phone number");
    expect(shown.instructions).toContain(shown.code);
    expect(shown.instructions).toContain(new Date(shown.expiresAt).toISOString());
    const waiting = flow.wait();
    // The phone sees who asks before approving.
    expect(await alice.pairingRequest(shown.code)).toMatchObject({ device_name: "crosschat bridge" });
    await alice.approvePairing(shown.code);
    const done = await waiting;
    if (done.type !== "done") throw new Error(`not done: ${JSON.stringify(done)}`);
    expect(done.login.remoteUserId).toBe(alice.jid);
    expect(done.login.remoteName).toBe("Alice");
    expect(done.login.session).toMatchObject({ jid: alice.jid, deviceJid: expect.stringMatching(/:1@s\.whatsapp\.net$/), token: expect.any(String), privateKey: expect.any(String) });
    // The stored session works.
    const { session } = connectBridge(wa, done.login);
    expect(await session.getSelf()).toMatchObject({ id: alice.jid, name: "Alice", identifier: `+${phoneOf(alice.jid)}` });
    expect((await wa.admin.devices(alice.jid)).map((d) => d.name)).toContain("crosschat bridge");
  });

  it("fails with the reason when the phone rejects the code", async () => {
    const wa = await startWhatsapp();
    const alice = await registerPhone(wa, "Alice");
    const flow = wa.connector.login({ deviceName: "crosschat" });
    const shown = await flow.submit({ phone: phoneOf(alice.jid) });
    if (shown.type !== "display") throw new Error("no code");
    const waiting = flow.wait();
    await alice.rejectPairing(shown.code);
    expect(await waiting).toEqual({ type: "failed", reason: expect.stringContaining("rejected on the phone") });
  });

  it("fails with the reason when the code expires before it is typed", async () => {
    const wa = await startWhatsapp({ fakeClock: true });
    const alice = await registerPhone(wa, "Alice");
    const flow = wa.connector.login({ deviceName: "crosschat" });
    const shown = await flow.submit({ phone: phoneOf(alice.jid) });
    if (shown.type !== "display") throw new Error("no code");
    wa.clock.now += 4 * 60_000;
    expect(await flow.wait()).toEqual({ type: "failed", reason: expect.stringContaining("expired") });
  });

  it("fails with the reason when the number asked for too many codes", async () => {
    // One code for registering the phone, one for the first pairing; the second is refused.
    const wa = await startWhatsapp({ rateLimits: { codeRequestsPerHour: 2 } });
    const alice = await registerPhone(wa, "Alice");
    const flow = wa.connector.login({ deviceName: "crosschat" });
    expect((await flow.submit({ phone: phoneOf(alice.jid) })).type).toBe("display");
    expect(await flow.submit({ phone: phoneOf(alice.jid) })).toEqual({ type: "failed", reason: expect.stringContaining("too many") });
  });

  it("ends a wait at once when cancelled", async () => {
    const wa = await startWhatsapp();
    const alice = await registerPhone(wa, "Alice");
    const flow = wa.connector.login({ deviceName: "crosschat" });
    await flow.submit({ phone: phoneOf(alice.jid) });
    const started = Date.now();
    const waiting = flow.wait();
    await flow.cancel();
    expect(await waiting).toEqual({ type: "failed", reason: expect.stringContaining("cancelled") });
    expect(Date.now() - started).toBeLessThan(1000);
    // So does the caller's own signal.
    const other = wa.connector.login({ deviceName: "crosschat" });
    await other.submit({ phone: phoneOf(alice.jid) });
    const controller = new AbortController();
    const otherWait = other.wait(controller.signal);
    controller.abort();
    expect((await otherWait).type).toBe("failed");
  });

  it("links a second bridge for the same account as another device", async () => {
    const wa = await startWhatsapp();
    const alice = await registerPhone(wa, "Alice");
    const first = await linkBridge(wa, alice);
    const second = await linkBridge(wa, alice);
    expect(first.session.deviceJid).not.toBe(second.session.deviceJid);
  });
});
