import { describe, expect, it } from "@jest/globals";
import { requestPairingCode, requestSmsCode, verifySmsCode } from "../../../src/simnet/whatsapp/client/login.js";
import { WhatsappClient } from "../../../src/simnet/whatsapp/client/client.js";
import { generateDeviceKeys } from "../../../src/simnet/whatsapp/client/crypto.js";
import { errorCode, linkCompanion, nextPhone, record, registerPhone, requestPairing, startAliceAndBob, startWhatsapp, track } from "./support.js";

describe("whatsapp phone registration", () => {
  it("registers a phone with the SMS code readable through the admin API, as device 0", async () => {
    const wa = await startWhatsapp();
    const phone = nextPhone();
    await wa.admin.createAccount({ phone, pushName: "Alice", about: "Busy" });
    expect((await wa.admin.account(phone)).registered).toBe(false);
    await requestSmsCode(wa.net.url, `+${phone}`);
    const code = (await wa.admin.codes(phone)).sms?.code ?? "";
    expect(code).toMatch(/^\d{6}$/);
    const keys = generateDeviceKeys();
    const session = await verifySmsCode(wa.net.url, phone, code, { keys });
    expect(session).toMatchObject({ jid: `${phone}@s.whatsapp.net`, deviceJid: `${phone}@s.whatsapp.net`, device: 0 });
    const account = await wa.admin.account(`${phone}@s.whatsapp.net`);
    expect(account).toMatchObject({ push_name: "Alice", about: "Busy", registered: true, third_party_chats: false });
    expect(account.devices).toEqual([expect.objectContaining({ device: 0, public_key: keys.publicKey })]);
    expect((await wa.admin.codes(phone)).sms).toBeNull();
  });

  it("refuses a wrong code, then spends the code after five wrong tries", async () => {
    const wa = await startWhatsapp();
    const phone = nextPhone();
    await requestSmsCode(wa.net.url, phone);
    const code = (await wa.admin.codes(phone)).sms?.code ?? "";
    const wrong = code === "000000" ? "111111" : "000000";
    expect(await errorCode(verifySmsCode(wa.net.url, phone, wrong, { pushName: "X" }))).toBe("invalid_code");
    for (let i = 0; i < 3; i++) await errorCode(verifySmsCode(wa.net.url, phone, wrong, { pushName: "X" }));
    expect(await errorCode(verifySmsCode(wa.net.url, phone, wrong, { pushName: "X" }))).toBe("too_many_attempts");
    expect(await errorCode(verifySmsCode(wa.net.url, phone, code, { pushName: "X" }))).toBe("no_pending_code");
  });

  it("refuses an expired code and a new account without a push name", async () => {
    const wa = await startWhatsapp({ fakeClock: true });
    const phone = nextPhone();
    await requestSmsCode(wa.net.url, phone);
    const code = (await wa.admin.codes(phone)).sms?.code ?? "";
    expect(await errorCode(verifySmsCode(wa.net.url, phone, code))).toBe("push_name_required");
    wa.clock.now += 11 * 60_000;
    expect(await errorCode(verifySmsCode(wa.net.url, phone, code, { pushName: "Late" }))).toBe("code_expired");
  });

  it("refuses numbers that are not E.164 and limits code requests per number", async () => {
    const wa = await startWhatsapp({ rateLimits: { codeRequestsPerHour: 2 } });
    expect(await errorCode(requestSmsCode(wa.net.url, "0123"))).toBe("invalid_phone");
    const phone = nextPhone();
    await requestSmsCode(wa.net.url, phone);
    await requestSmsCode(wa.net.url, phone);
    const refused = await requestSmsCode(wa.net.url, phone).catch((error: unknown) => error as { code: string; status: number; retryAfter?: number });
    expect(refused).toMatchObject({ code: "too_many_code_requests", status: 429 });
    expect((refused as { retryAfter?: number }).retryAfter).toBeGreaterThan(0);
  });

  it("moves the number to a new phone on re-registration: the old phone and its companions are logged out", async () => {
    const wa = await startWhatsapp();
    const oldPhone = await registerPhone(wa, "Alice");
    const companion = await linkCompanion(wa, oldPhone, "Desktop");
    const oldStatus = record(oldPhone, "connection");
    await oldPhone.connect();
    const phone = oldPhone.jid.split("@")[0] ?? "";
    const newPhone = await registerPhone(wa, "Alice 2", { phone });
    const [ended] = await oldStatus.waitFor(1, (s) => s.kind === "ended");
    expect(ended).toEqual({ kind: "ended", reason: "logged_out", detail: "replaced_by_new_phone" });
    expect(await errorCode(oldPhone.api.me())).toBe("unauthorized");
    expect(await errorCode(companion.api.me())).toBe("unauthorized");
    expect((await newPhone.api.me()).account.push_name).toBe("Alice 2");
    expect((await wa.admin.devices(phone)).map((d) => d.device)).toEqual([0]);
  });
});

describe("whatsapp companion linking", () => {
  it("links a companion with an 8-character code that the phone sees and approves", async () => {
    const wa = await startWhatsapp();
    const phone = await registerPhone(wa, "Alice");
    const notifications = record(phone, "notification");
    await phone.connect();
    const pending = await requestPairing(wa, phone, "crosschat bridge");
    expect(pending.code).toMatch(/^[1-9A-HJ-NP-TV-Z]{8}$/);
    expect(pending.display).toBe(`${pending.code.slice(0, 4)}-${pending.code.slice(4)}`);
    expect((await wa.admin.codes(phone.jid)).pairing).toEqual([expect.objectContaining({ code: pending.code, device_name: "crosschat bridge" })]);
    const [asked] = await notifications.waitFor(1, (n) => n.kind === "pairing_request");
    expect(asked).toMatchObject({ device_name: "crosschat bridge" });
    expect(await phone.pairingRequest(pending.code.toLowerCase())).toMatchObject({ device_name: "crosschat bridge" });
    const waiting = pending.wait();
    const approved = await phone.approvePairing(pending.display);
    const session = await waiting;
    expect(session).toMatchObject({ jid: phone.jid, device: 1, deviceJid: `${phone.jid.split("@")[0]}:1@s.whatsapp.net` });
    expect(approved).toEqual({ device_jid: session.deviceJid, device: 1, device_name: "crosschat bridge" });
    const companion = track(new WhatsappClient(session));
    expect((await companion.api.me()).devices.map((d) => [d.device, d.name])).toEqual([
      [0, "phone"],
      [1, "crosschat bridge"],
    ]);
    await notifications.waitFor(1, (n) => n.kind === "devices" && n.action === "add");
  });

  it("refuses wrong, expired, foreign and companion-approved codes with clear errors", async () => {
    const { wa, alice, bob } = await startAliceAndBob({ fakeClock: true });
    const pending = await requestPairing(wa, alice, "Laptop");
    expect(await errorCode(alice.approvePairing("ZZZZ-ZZZZ"))).toBe("pairing_code_not_found");
    expect(await errorCode(bob.approvePairing(pending.code))).toBe("pairing_code_not_found");
    const companion = await linkCompanion(wa, alice, "Tablet");
    expect(await errorCode(companion.approvePairing(pending.code))).toBe("primary_device_required");
    wa.clock.now += 4 * 60_000;
    expect(await errorCode(alice.approvePairing(pending.code))).toBe("pairing_code_expired");
    expect(await errorCode(pending.wait())).toBe("pairing_code_expired");
    expect(await errorCode(requestPairingCode(wa.net.url, nextPhone(), "X"))).toBe("not_registered");
  });

  it("tells the waiting companion when the phone rejects it", async () => {
    const wa = await startWhatsapp();
    const phone = await registerPhone(wa, "Alice");
    const pending = await requestPairing(wa, phone, "Unknown PC");
    const waiting = errorCode(pending.wait());
    await phone.rejectPairing(pending.code);
    expect(await waiting).toBe("pairing_rejected");
  });

  it("links at most four companions", async () => {
    const wa = await startWhatsapp();
    const phone = await registerPhone(wa, "Alice");
    for (const name of ["A", "B", "C", "D"]) await linkCompanion(wa, phone, name);
    const pending = await requestPairing(wa, phone, "E");
    expect(await errorCode(phone.approvePairing(pending.code))).toBe("too_many_devices");
  });

  it("unlinking from the phone logs the companion out: its socket gets a logged-out stanza and closes, its token dies", async () => {
    const wa = await startWhatsapp();
    const phone = await registerPhone(wa, "Alice");
    const companion = await linkCompanion(wa, phone, "Bridge");
    const status = record(companion, "connection");
    await companion.connect();
    expect(await errorCode(companion.api.unlinkDevice(0))).toBe("primary_device_required");
    await phone.api.unlinkDevice(companion.deviceJid);
    const [ended] = await status.waitFor(1, (s) => s.kind === "ended");
    expect(ended).toEqual({ kind: "ended", reason: "logged_out", detail: "unlinked" });
    expect(await errorCode(companion.api.me())).toBe("unauthorized");
    expect((await wa.admin.devices(phone.jid)).map((d) => d.device)).toEqual([0]);
  });

  it("lets a companion log itself out, leaving the phone linked", async () => {
    const wa = await startWhatsapp();
    const phone = await registerPhone(wa, "Alice");
    const companion = await linkCompanion(wa, phone, "Bridge");
    await companion.logout();
    expect(await errorCode(companion.api.me())).toBe("unauthorized");
    expect((await phone.api.me()).devices.map((d) => d.device)).toEqual([0]);
  });
});

describe("whatsapp account settings", () => {
  it("keeps the third-party chats opt-in and discovery by phone off by default, lets the user change them, and shows them to the admin", async () => {
    const wa = await startWhatsapp();
    const phone = await registerPhone(wa, "Alice");
    const companion = await linkCompanion(wa, phone, "Bridge");
    const notifications = record(companion, "notification");
    await companion.connect();
    expect(await phone.api.settings()).toEqual({ third_party_chats: false, discoverable_by_phone: false });
    expect(await phone.api.setSettings({ third_party_chats: true })).toEqual({ third_party_chats: true, discoverable_by_phone: false });
    expect(await phone.api.setSettings({ discoverable_by_phone: true })).toEqual({ third_party_chats: true, discoverable_by_phone: true });
    expect(await companion.api.settings()).toEqual({ third_party_chats: true, discoverable_by_phone: true });
    expect(await wa.admin.account(phone.jid)).toMatchObject({ third_party_chats: true, discoverable_by_phone: true });
    await notifications.waitFor(1, (n) => n.kind === "settings" && n.third_party_chats === true && n.discoverable_by_phone === true);
  });
});
