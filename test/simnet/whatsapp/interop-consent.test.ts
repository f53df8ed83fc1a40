/**
 * Third-party chats on WhatsApp, consent and discovery: off by default, opting in (told to every
 * provider, whether discoverable by number or not), lookups that leak nothing, ids that are
 * never a phone number, opting out, and revoked providers.
 */
import { describe, expect, it } from "@jest/globals";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ackSchema } from "../../../src/simnet/core/acks.js";
import { openSimnetDatabase } from "../../../src/simnet/core/database.js";
import { eventStreamSchema } from "../../../src/simnet/core/event-stream.js";
import { mediaSchema } from "../../../src/simnet/core/media.js";
import { startNetworkServer } from "../../../src/simnet/core/server.js";
import { sessionSchema } from "../../../src/simnet/core/sessions.js";
import { WhatsappAdminClient } from "../../../src/simnet/whatsapp/client/admin.js";
import { createWhatsappNetwork } from "../../../src/simnet/whatsapp/index.js";
import { whatsappSchema } from "../../../src/simnet/whatsapp/schema.js";
import { FrameSocket } from "../../../src/simnet/client/socket.js";
import { whatsappInteropKit, type WhatsappInteropCredentials } from "../../../src/simnet/whatsapp/client/interop.js";
import { REALTIME_PATH } from "../../../src/simnet/whatsapp/protocol.js";
import { connectProvider, eventLog, interopIdOf, optedIn, publish, startInterop } from "./interop-support.js";
import { errorCode, nextPhone, record, registerPhone } from "./support.js";

const phoneOf = (jid: string) => jid.split("@")[0] as string;

async function rawLookup(url: string, token: string, phone: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}/interop/v1/lookup`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ phone }) });
  return { status: response.status, body: await response.json() };
}

describe("whatsapp third-party chats: consent", () => {
  it("keeps third-party chats off by default: a new user cannot search, start a chat or be added to a third-party group", async () => {
    const { wa, provider, credentials } = await startInterop();
    const bob = await registerPhone(wa, "Bob");
    const alice = await optedIn(wa, "Alice");
    await publish(provider, "carol", "Carol");
    const carol = { provider: credentials.providerId, id: "carol" };
    expect(await bob.api.settings()).toEqual({ third_party_chats: false, discoverable_by_phone: false });
    expect(await errorCode(bob.api.searchThirdParty("carol"))).toBe("not_opted_in");
    expect(await errorCode(bob.api.startThirdPartyChat({ kind: "direct", third_party: [carol] }))).toBe("not_opted_in");
    const group = await alice.api.startThirdPartyChat({ kind: "group", subject: "Plans", third_party: [carol] });
    const { results } = await alice.api.participants(group.jid, "add", [bob.jid]);
    expect(results).toEqual([{ jid: bob.jid, status: 403, text: "not_opted_in" }]);
    expect(await errorCode(alice.api.startThirdPartyChat({ kind: "group", third_party: [carol], participants: [bob.jid] }))).toBe("not_opted_in");
  });

  it("answers a lookup alike for a number nobody has, a user who has not opted in and one who does not allow discovery by phone", async () => {
    const { wa, credentials } = await startInterop();
    const notOptedIn = await registerPhone(wa, "Bob");
    const notDiscoverable = await optedIn(wa, "Carol", { discoverable: false });
    const answers = await Promise.all(
      [nextPhone(), phoneOf(notOptedIn.jid), phoneOf(notDiscoverable.jid)].map((phone) => rawLookup(wa.net.url, credentials.token, `+${phone}`)),
    );
    expect(answers[0]).toEqual({ status: 404, body: { error: { code: 404, text: "not_found", message: "nobody who can be found by this number" } } });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });

  it("finds a user who opted in and allows discovery by phone, by an id and a name that are not the number; the id is stable and differs per provider", async () => {
    const { wa, provider } = await startInterop();
    const alice = await optedIn(wa, "Alice", { discoverable: true });
    const found = await provider.lookup(`+${phoneOf(alice.jid)}`);
    expect(found?.name).toBe("Alice");
    expect(found?.id).toMatch(/^u[0-9a-f]{16}$/);
    expect(found?.id).not.toContain(phoneOf(alice.jid));
    expect(await provider.lookup(phoneOf(alice.jid))).toEqual(found);
    const other = await connectProvider(wa, (await whatsappInteropKit.registerProvider(wa.net.url, wa.net.adminToken, "another")) as WhatsappInteropCredentials);
    const elsewhere = await other.lookup(`+${phoneOf(alice.jid)}`);
    expect(elsewhere?.id).toMatch(/^u[0-9a-f]{16}$/);
    expect(elsewhere?.id).not.toBe(found?.id);
  });

  it("tells every provider of an opt-in and lists the user even without discovery by number, by id and push name in the clear; discovery alone changes nothing", async () => {
    const { wa, provider, log, credentials } = await startInterop();
    const other = await connectProvider(wa, (await whatsappInteropKit.registerProvider(wa.net.url, wa.net.adminToken, "another")) as WhatsappInteropCredentials);
    const otherLog = eventLog();
    await other.listen(otherLog.handler);
    const alice = await optedIn(wa, "Alice", { discoverable: false });
    const optIn = await log.waitFor("opt_in");
    expect(optIn.user).toEqual({ id: expect.stringMatching(/^u[0-9a-f]{16}$/), name: "Alice" });
    // Each provider by its own id for her.
    const elsewhere = (await otherLog.waitFor("opt_in")).user;
    expect(elsewhere).toEqual({ id: expect.stringMatching(/^u[0-9a-f]{16}$/), name: "Alice" });
    expect(elsewhere.id).not.toBe(optIn.user.id);
    expect(await provider.optedIn()).toEqual([optIn.user]);
    expect(await provider.lookup(`+${phoneOf(alice.jid)}`)).toBeUndefined();
    await alice.api.setSettings({ discoverable_by_phone: true });
    expect(await provider.lookup(`+${phoneOf(alice.jid)}`)).toEqual(optIn.user);
    await optedIn(wa, "Dave");

    // The stream as it travels, from its start: a name is not content, so it goes unsealed, as in a lookup's answer.
    await provider.close();
    const socket = await FrameSocket.open(`${wa.net.url}${REALTIME_PATH}`);
    const frames: Record<string, unknown>[] = [];
    socket.onFrame((frame) => frames.push(frame));
    socket.send({ type: "hello", token: credentials.token, after: 0 });
    await socket.next((frame) => frame.type === "notification" && frame.name === "Dave");
    await socket.close();
    const notifications = frames.filter((frame) => frame.type === "notification");
    expect(notifications).toEqual([
      { type: "notification", seq: expect.any(Number), kind: "opt_in", user: optIn.user.id, name: "Alice", t: expect.any(Number) },
      expect.objectContaining({ kind: "opt_in", name: "Dave" }),
    ]);
    expect(JSON.stringify(frames)).not.toContain(phoneOf(alice.jid));
  });

  it("limits lookups per provider, so nobody can walk the numbering plan", async () => {
    const { provider } = await startInterop({ rateLimits: { interopLookupsPerMinute: 3 } });
    for (let i = 0; i < 3; i++) expect(await provider.lookup(`+${nextPhone()}`)).toBeUndefined();
    expect(await errorCode(provider.lookup(`+${nextPhone()}`))).toBe("rate_overlimit");
  });

  it("takes an opted-out user out of every third-party chat at once: members see them leave, the provider gets members and opt_out events", async () => {
    const { wa, provider, log, credentials } = await startInterop();
    const alice = await optedIn(wa, "Alice", { discoverable: true });
    const dave = await optedIn(wa, "Dave");
    await publish(provider, "carol", "Carol");
    const aliceId = await interopIdOf(provider, alice);
    const direct = await provider.createChat({ kind: "direct", creator: "carol", members: [{ kind: "native", id: aliceId }] });
    const group = await dave.api.startThirdPartyChat({ kind: "group", subject: "Trip", third_party: [{ provider: credentials.providerId, id: "carol" }], participants: [alice.jid] });
    const daveSees = record(dave, "notification");
    await dave.connect();

    await alice.api.setSettings({ third_party_chats: false });
    await daveSees.waitFor(1, (n) => n.kind === "group" && n.action === "leave" && n.group === group.jid && (n.participants as string[]).includes(alice.jid));
    const aliceParticipant = { kind: "native", id: aliceId };
    await log.waitFor("members", (e) => e.chat === direct.id && e.removed.some((p) => p.id === aliceId));
    await log.waitFor("members", (e) => e.chat === group.jid && e.removed.some((p) => p.id === aliceId));
    const optOut = await log.waitFor("opt_out");
    expect(optOut.user).toBe(aliceId);
    // The opt-out comes after the chats were left, in the order the network saw it.
    const order = log.events.map((e) => e.type);
    expect(order.lastIndexOf("members")).toBeLessThan(order.indexOf("opt_out"));
    expect((await alice.api.chats()).map((c) => c.jid)).toEqual([]);
    expect((await provider.api.chat(group.jid)).members).not.toContainEqual(aliceParticipant);
  });

  it("refuses anything more to or from an opted-out user (not_opted_in), and lookups stop finding them", async () => {
    const { wa, provider } = await startInterop();
    const alice = await optedIn(wa, "Alice", { discoverable: true });
    const dave = await optedIn(wa, "Dave", { discoverable: true });
    const carol = await publish(provider, "carol", "Carol");
    const aliceId = await interopIdOf(provider, alice);
    const direct = await provider.createChat({ kind: "direct", creator: "carol", members: [{ kind: "native", id: aliceId }] });
    const group = await provider.createChat({ kind: "group", title: "Trip", creator: "carol", members: [{ kind: "native", id: aliceId }, { kind: "native", id: await interopIdOf(provider, dave) }] });
    await alice.api.setSettings({ third_party_chats: false });

    expect(await errorCode(provider.send(direct.id, "carol", { text: "still there?" }, "k1"))).toBe("not_opted_in");
    expect(await errorCode(provider.createChat({ kind: "direct", creator: "carol", members: [{ kind: "native", id: aliceId }] }))).toBe("not_opted_in");
    expect(await errorCode(provider.addMembers(group.id, "carol", [{ kind: "native", id: aliceId }]))).toBe("not_opted_in");
    expect(await errorCode(alice.sendText(carol.jid, "hi"))).toBe("not_opted_in");
    expect(await errorCode(alice.sendText(group.id, "hi"))).toBe("not_a_participant");
    expect(await provider.lookup(`+${phoneOf(alice.jid)}`)).toBeUndefined();
  });

  it("gives the same direct chat again once a user who opted out opts back in and the chat is opened again", async () => {
    const { wa, provider, log } = await startInterop();
    const alice = await optedIn(wa, "Alice", { discoverable: true });
    const carol = await publish(provider, "carol", "Carol");
    const aliceId = await interopIdOf(provider, alice);
    const spec = { kind: "direct" as const, creator: "carol", members: [{ kind: "native" as const, id: aliceId }] };
    const first = await provider.createChat(spec);
    await alice.api.setSettings({ third_party_chats: false });
    await alice.api.setSettings({ third_party_chats: true });
    expect(await errorCode(provider.send(first.id, "carol", { text: "hello again" }, "k"))).toBe("chat_closed");
    expect(await provider.createChat(spec)).toEqual(first);
    const sent = await provider.send(first.id, "carol", { text: "hello again" }, "k");
    expect((await alice.history(carol.jid)).messages.map((m) => m.id)).toEqual([sent.id]);
    // The stream is ordered: once the send's echo is there, the reopened chat's event is too.
    await log.waitFor("message", (e) => e.id === sent.id);
    expect(log.events.filter((e) => e.type === "chat").map((e) => e.type === "chat" && e.chat.id)).toEqual([first.id, first.id]);
  });

  it("upgrades a database written before discovery by phone and providers existed: accounts keep their opt-in, and discovery starts off", async () => {
    const dir = mkdtempSync(join(tmpdir(), "simnet-whatsapp-upgrade-"));
    const path = join(dir, "whatsapp.db");
    const old = openSimnetDatabase(path, [eventStreamSchema, sessionSchema, mediaSchema, ackSchema, whatsappSchema]);
    old.prepare("INSERT INTO accounts (jid, phone, push_name, about, third_party_chats, created_at) VALUES (?, ?, ?, ?, ?, ?)").run("15557770001@s.whatsapp.net", "15557770001", "Olga", "", 1, 1);
    old.close();
    const server = await startNetworkServer(createWhatsappNetwork(), { databasePath: path, adminToken: "admin" });
    try {
      const admin = new WhatsappAdminClient(server.url, "admin");
      expect(await admin.account("15557770001")).toMatchObject({ push_name: "Olga", third_party_chats: true, discoverable_by_phone: false });
      expect(await admin.providers()).toEqual([]);
      admin.close();
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("stops a revoked provider's token at once and closes its socket", async () => {
    const { wa, credentials, provider } = await startInterop();
    const socket = await FrameSocket.open(`${wa.net.url}${REALTIME_PATH}`);
    const welcome = socket.next((f) => f.type === "success");
    socket.send({ type: "hello", token: credentials.token });
    // The kit's own listener holds the provider's stream: this second one replaces it.
    expect(await welcome).toMatchObject({ provider: credentials.providerId, device_jid: `${credentials.providerId}@interop` });
    const loggedOut = socket.next((f) => f.type === "logged_out");
    await wa.admin.revokeProvider(credentials.providerId);
    expect(await loggedOut).toEqual({ type: "logged_out", reason: "provider_revoked" });
    expect(await errorCode(provider.publishIdentity({ id: "carol", name: "Carol", network: "matrix", handle: "carol" }))).toBe("unauthorized");
    expect(await errorCode(whatsappInteropKit.connect(wa.net.url, credentials))).toBe("unauthorized");
    expect((await wa.admin.providers()).find((p) => p.id === credentials.providerId)?.revoked_at).toEqual(expect.any(Number));
  });
});
