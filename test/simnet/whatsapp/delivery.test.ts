import { describe, expect, it } from "@jest/globals";
import { WhatsappClient } from "../../../src/simnet/whatsapp/client/client.js";
import { createWhatsappNetwork } from "../../../src/simnet/whatsapp/index.js";
import { errorCode, linkCompanion, record, registerPhone, startAliceAndBob, startWhatsapp, track } from "./support.js";

const texts = (items: { content: { type: string } }[]) => items.map((m) => (m.content as { text?: string }).text);

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("the condition did not come true in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("whatsapp delivery", () => {
  it("resumes after a disconnect with exactly the missed stanzas, in order", async () => {
    const { alice, bob } = await startAliceAndBob();
    const received = record(bob, "message");
    await bob.connect();
    for (const text of ["1", "2"]) await alice.sendText(bob.jid, text);
    await received.waitFor(2);
    await bob.disconnect();
    for (const text of ["3", "4", "5"]) await alice.sendText(bob.jid, text);
    await bob.connect();
    await received.waitFor(5);
    expect(texts(received.items)).toEqual(["1", "2", "3", "4", "5"]);
  });

  it("resumes after the acknowledged position when a device reconnects without naming one", async () => {
    const { alice, bob } = await startAliceAndBob();
    const first = record(bob, "message");
    await bob.connect();
    await alice.sendText(bob.jid, "seen");
    await first.waitFor(1);
    await bob.disconnect();
    await alice.sendText(bob.jid, "missed");
    const { position: _position, ...withoutPosition } = bob.save();
    const again = track(new WhatsappClient(withoutPosition));
    const second = record(again, "message");
    await again.connect();
    await second.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(texts(second.items)).toEqual(["missed"]);
  });

  it("tells a device that fell behind retention to resynchronise, then goes on with what is retained", async () => {
    const { alice, bob } = await startAliceAndBob({ definition: createWhatsappNetwork({ rateLimits: { sendsPerMinute: 10_000 }, retention: { maxEventsPerStream: 5, maxAgeMs: 86_400_000 } }) });
    for (let i = 1; i <= 70; i++) await alice.sendText(bob.jid, `m${i}`);
    const status = record(bob, "connection");
    const received = record(bob, "message");
    await bob.connect({ after: 1 });
    const [resync] = await status.waitFor(1, (s) => s.kind === "resync");
    expect(resync).toEqual({ kind: "resync", after: 1, firstRetained: 60, latest: 70 });
    await received.waitFor(11);
    expect(texts(received.items)).toEqual(Array.from({ length: 11 }, (_, i) => `m${i + 60}`));
  });

  it("delivers a stanza again after a reconnect when its listener fails, skipping nothing after it", async () => {
    const wa = await startWhatsapp();
    const alice = await registerPhone(wa, "Alice");
    const bob = await registerPhone(wa, "Bob", { backoff: { initialMs: 20, maxMs: 100 } });
    // Queued before bob connects, so the stanzas after the failing one are already on their way.
    for (const text of ["1", "2", "3", "4", "5"]) await alice.sendText(bob.jid, text);
    const attempts: string[] = [];
    const handled: string[] = [];
    let failed = false;
    bob.events.on("message", async (message) => {
      const text = (message.content as { text: string }).text;
      attempts.push(text);
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (text === "2" && !failed) {
        failed = true;
        throw new Error("the bridge could not take it just now");
      }
      handled.push(text);
    });
    const status = record(bob, "connection");
    await bob.connect();
    await status.waitFor(2, (s) => s.kind === "connected");
    await waitUntil(() => handled.length === 5);
    expect(handled).toEqual(["1", "2", "3", "4", "5"]);
    expect(attempts).toEqual(["1", "2", "2", "3", "4", "5"]);
    expect(status.items.map((s) => s.kind)).toEqual(["connected", "disconnected", "connected"]);
    // Everything was acknowledged in the end: a fresh start of the device gets nothing again.
    await bob.disconnect();
    const { position: _position, ...withoutPosition } = bob.save();
    const again = track(new WhatsappClient(withoutPosition));
    const replayed = record(again, "message");
    await again.connect();
    await alice.sendText(bob.jid, "6");
    await replayed.waitFor(1);
    expect(texts(replayed.items)).toEqual(["6"]);
  });

  it("delivers a message again, instead of skipping it as undecryptable, when fetching the sender's keys fails", async () => {
    const wa = await startWhatsapp();
    const alice = await registerPhone(wa, "Alice", { passiveSends: false });
    const bob = await registerPhone(wa, "Bob", { backoff: { initialMs: 50, maxMs: 200 } });
    await alice.sendText(bob.jid, "worth waiting for");
    const received = record(bob, "message");
    const undecryptable = record(bob, "decrypt_error");
    // Bob has never fetched Alice's keys: the first fetch hits the injected 500s, past the retries.
    await wa.admin.failRequests(5, 500);
    await bob.connect();
    const [message] = await received.waitFor(1);
    expect(texts([message as { content: { type: string } }])).toEqual(["worth waiting for"]);
    expect(undecryptable.items).toHaveLength(0);
  });

  it("drops duplicated deliveries: each stanza is handled once", async () => {
    const { wa, alice, bob } = await startAliceAndBob();
    await wa.admin.duplicateDeliveries(3);
    const received = record(bob, "message");
    await bob.connect();
    for (const text of ["a", "b", "c", "d"]) await alice.sendText(bob.jid, text);
    await received.waitFor(4);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(texts(received.items)).toEqual(["a", "b", "c", "d"]);
    expect((await wa.admin.faults()).duplicating_next).toBe(0);
  });

  it("reconnects by itself after dropped and refused connections and loses nothing", async () => {
    const wa = await startWhatsapp();
    const alice = await registerPhone(wa, "Alice");
    const bob = await registerPhone(wa, "Bob", { backoff: { initialMs: 50, maxMs: 200 } });
    const received = record(bob, "message");
    const status = record(bob, "connection");
    await bob.connect();
    await alice.sendText(bob.jid, "before");
    await received.waitFor(1);
    await wa.admin.refuseConnections(0.4);
    await wa.admin.dropConnections();
    // Reconnecting fails (503) until the window passes; the client keeps trying with backoff.
    await new Promise((resolve) => setTimeout(resolve, 450));
    await alice.sendText(bob.jid, "after");
    await received.waitFor(2);
    expect(texts(received.items)).toEqual(["before", "after"]);
    expect(status.items.filter((s) => s.kind === "disconnected").length).toBeGreaterThanOrEqual(2);
    expect(status.items.filter((s) => s.kind === "connected").length).toBeGreaterThanOrEqual(2);
  });

  it("rides out injected 500s and short 429s on retry-safe requests, and surfaces them past its retries", async () => {
    const wa = await startWhatsapp();
    const alice = await registerPhone(wa, "Alice", { passiveSends: false });
    const bob = await registerPhone(wa, "Bob");
    await wa.admin.failRequests(2, 500);
    await alice.sendText(bob.jid, "through two 500s");
    await wa.admin.failRequests(1, 429, 1);
    const started = Date.now();
    await alice.sendText(bob.jid, "after a 429");
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    await wa.admin.failRequests(5, 500);
    expect(await errorCode(alice.api.chats())).toBe("internal_error");
    await wa.admin.clearFaults();
    expect((await wa.admin.messages(alice.jid, bob.jid)).map((m) => m.kind)).toEqual(["message", "message"]);
  });

  it("keeps accounts, chats, messages and undelivered stanzas across a server restart", async () => {
    const wa = await startWhatsapp();
    const alice = await registerPhone(wa, "Alice");
    const bob = await registerPhone(wa, "Bob", { backoff: { initialMs: 50, maxMs: 200 } });
    const group = await alice.api.createGroup("Persistent", [bob.jid]);
    const received = record(bob, "message");
    await bob.connect();
    await alice.sendText(bob.jid, "before restart");
    await received.waitFor(1);
    await bob.disconnect();
    await alice.sendText(group.jid, "while bob was away");
    await wa.net.restart();
    await alice.sendText(bob.jid, "after restart");
    await bob.connect();
    await received.waitFor(3);
    expect(texts(received.items)).toEqual(["before restart", "while bob was away", "after restart"]);
    expect((await bob.api.group(group.jid)).subject).toBe("Persistent");
    expect((await wa.admin.account(alice.jid)).registered).toBe(true);
  });

  it("sends what a user sends from one device to their other devices, marked as from self", async () => {
    const wa = await startWhatsapp();
    const alice = await registerPhone(wa, "Alice");
    const bridge = await linkCompanion(wa, alice, "crosschat");
    const bob = await registerPhone(wa, "Bob");
    const echoed = record(bridge, "message");
    await bridge.connect();
    const sent = await alice.sendText(bob.jid, "from my phone");
    const [echo] = await echoed.waitFor(1);
    expect(echo).toMatchObject({ id: sent.id, chat: bob.jid, from: alice.jid, fromDevice: alice.jid, fromMe: true });
    const history = await bridge.history(bob.jid);
    expect(history.messages.map((m) => [m.id, m.fromMe])).toEqual([[sent.id, true]]);
  });
});

describe("whatsapp receipts, chat states and presence", () => {
  it("sends delivered receipts automatically and routes read and played receipts to the sender and the reader's other devices", async () => {
    const { wa, alice, bob } = await startAliceAndBob();
    const bobDesktop = await linkCompanion(wa, bob, "Desktop");
    const receipts = record(alice, "receipt");
    const ownReceipts = record(bobDesktop, "receipt");
    await Promise.all([alice.connect(), bob.connect(), bobDesktop.connect()]);
    const sent = await alice.sendVoiceNote(bob.jid, { data: Buffer.from("ogg"), seconds: 2 });
    const delivered = await receipts.waitFor(1, (r) => r.kind === "delivered");
    expect(delivered[0]).toMatchObject({ chat: bob.jid, from: bob.jid, from_me: false, ids: [sent.id] });
    await bob.markRead(alice.jid, [sent.id]);
    await bob.markPlayed(alice.jid, [sent.id]);
    expect((await receipts.waitFor(2, (r) => r.kind !== "delivered")).map((r) => r.kind)).toEqual(["read", "played"]);
    const own = await ownReceipts.waitFor(2, (r) => r.kind !== "delivered");
    expect(own[0]).toMatchObject({ chat: alice.jid, from: bob.jid, from_me: true, kind: "read", ids: [sent.id] });
    expect(await errorCode(alice.api.receipt(bob.jid, "read", [sent.id]))).toBe("own_message");
  });

  it("relays chat states live to the other side only", async () => {
    const { alice, bob } = await startAliceAndBob();
    const states = record(bob, "chatstate");
    await Promise.all([alice.connect(), bob.connect()]);
    await alice.setChatState(bob.jid, "composing");
    await alice.setChatState(bob.jid, "recording");
    await alice.setChatState(bob.jid, "paused");
    expect((await states.waitFor(3)).map((s) => [s.chat, s.from, s.state])).toEqual([
      [alice.jid, alice.jid, "composing"],
      [alice.jid, alice.jid, "recording"],
      [alice.jid, alice.jid, "paused"],
    ]);
  });

  it("sends presence only to subscribers, with last seen once the user goes offline", async () => {
    const { wa, alice, bob } = await startAliceAndBob();
    const carol = await registerPhone(wa, "Carol");
    const atBob = record(bob, "presence");
    const atCarol = record(carol, "presence");
    await Promise.all([alice.connect(), bob.connect(), carol.connect()]);
    expect(await bob.subscribePresence(alice.jid)).toEqual({ type: "presence", from: alice.jid, state: "unavailable" });
    await alice.setPresence("available");
    await atBob.waitFor(2, (p) => p.from === alice.jid);
    expect(atBob.items.at(-1)).toEqual({ type: "presence", from: alice.jid, state: "available" });
    await alice.disconnect();
    const [, , offline] = await atBob.waitFor(3, (p) => p.from === alice.jid);
    expect(offline).toMatchObject({ state: "unavailable", last_seen: expect.any(Number) });
    expect(atCarol.items).toEqual([]);
  });
});
