import { describe, expect, it } from "@jest/globals";
import type { RemoteEvent } from "../../../src/network/index.js";
import { WhatsappClient } from "../../../src/simnet/whatsapp/client/client.js";
import type { WhatsappSession } from "../../../src/simnet/whatsapp/client/login.js";
import { aliceWithBridge, connectBridge, errorCode, linkBridge, registerPhone, startWhatsapp } from "./support.js";

const textOf = (event: RemoteEvent) => (event.type === "message" && event.body.kind === "text" ? event.body.text.text : undefined);

describe("whatsapp connector delivery", () => {
  it("gets an event again when the core refused it, and loses nothing after it", async () => {
    const { alice, bob, session, sink } = await aliceWithBridge();
    for (const text of ["1", "2", "3", "4", "5"]) await bob.sendText(alice.jid, text);
    const offered: string[] = [];
    let refused = false;
    sink.gate = (event) => {
      if (event.type !== "message") return;
      offered.push(textOf(event) ?? "");
      if (textOf(event) === "2" && !refused) {
        refused = true;
        throw new Error("the homeserver is down");
      }
    };
    await session.start();
    await sink.waitFor("message", 5);
    expect(sink.ofType("message").map(textOf)).toEqual(["1", "2", "3", "4", "5"]);
    expect(offered).toEqual(["1", "2", "2", "3", "4", "5"]);
    expect(sink.states.map((s) => s.state)).toEqual(["connecting", "connected", "disconnected", "connected"]);
    expect(sink.states[2]?.detail).toMatch(/reconnecting in \d+ ms/);
    expect(sink.logs).toContainEqual(expect.objectContaining({ level: "warn", message: expect.stringContaining("delivers it again") }));
  });

  it("finishes the event in progress on stop and leaves the rest for the next start", async () => {
    const { wa, alice, bob, login, session, sink } = await aliceWithBridge();
    for (const text of ["1", "2", "3", "4"]) await bob.sendText(alice.jid, text);
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let reached: () => void = () => {};
    const reachedTwo = new Promise<void>((resolve) => (reached = resolve));
    sink.gate = async (event) => {
      if (textOf(event) !== "2") return;
      reached();
      await held;
    };
    await session.start();
    await reachedTwo;
    const stopping = session.stop();
    release();
    await stopping;
    expect(sink.ofType("message").map(textOf)).toEqual(["1", "2"]);
    expect(session.state).toBe("disconnected");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sink.ofType("message")).toHaveLength(2);
    // A new session for the same login (the bridge restarted) gets exactly the rest.
    const { session: next, sink: nextSink } = connectBridge(wa, login);
    await next.start();
    await nextSink.waitFor("message", 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(nextSink.ofType("message").map(textOf)).toEqual(["3", "4"]);
  });

  it("says it resynchronised when it fell behind WhatsApp's retention, and goes on", async () => {
    const wa = await startWhatsapp({ retention: { maxEventsPerStream: 5, maxAgeMs: 86_400_000 } });
    const alice = await registerPhone(wa, "Alice");
    const bob = await registerPhone(wa, "Bob");
    const login = await linkBridge(wa, alice);
    // The network prunes in batches (every 64th stanza), so send past one.
    for (let i = 1; i <= 70; i++) await bob.sendText(alice.jid, `m${i}`);
    const { session, sink } = connectBridge(wa, login);
    await session.start();
    await sink.waitFor("message", 1, (event) => textOf(event) === "m70");
    const texts = sink.ofType("message").map(textOf);
    const first = Number(texts[0]?.slice(1));
    expect(first).toBeGreaterThan(1);
    expect(texts).toEqual(Array.from({ length: 71 - first }, (_, i) => `m${first + i}`));
    expect(sink.states).toContainEqual({ state: "connected", detail: expect.stringContaining("resynchronised") });
    expect(sink.logs).toContainEqual(expect.objectContaining({ level: "warn", message: expect.stringContaining("gap") }));
  });
});

describe("whatsapp connector sessions ending", () => {
  it("reports a bridge unlinked on the phone as logged out, and stops", async () => {
    const { alice, bob, login, session, sink } = await aliceWithBridge();
    await session.start();
    await alice.api.unlinkDevice(login.session.deviceJid as string);
    await sink.until(() => sink.loggedOutReasons.length > 0, "logged out");
    expect(sink.loggedOutReasons).toEqual([expect.stringMatching(/^logged_out \(unlinked\): the bridge was unlinked on the phone/)]);
    expect(session.state).toBe("logged-out");
    expect(await errorCode(session.start())).toBe("logged_out");
    expect(await errorCode(session.send(bob.jid, { body: { kind: "text", text: { text: "hi", entities: [] } } }, "k"))).toBe("logged_out");
  });

  it("reports a phone that logged out as the end of the bridge's session too", async () => {
    const { alice, session, sink } = await aliceWithBridge();
    await session.start();
    await alice.logout();
    await sink.until(() => sink.loggedOutReasons.length > 0, "logged out");
    expect(sink.loggedOutReasons[0]).toContain("primary_logged_out");
  });

  it("treats a second connection of the same device as the end of this one", async () => {
    const { wa, login, session, sink } = await aliceWithBridge();
    await session.start();
    const impostor = new WhatsappClient({ ...(login.session as unknown as WhatsappSession), baseUrl: wa.net.url });
    await impostor.connect();
    await sink.until(() => sink.loggedOutReasons.length > 0, "logged out");
    await impostor.disconnect();
    expect(sink.loggedOutReasons[0]).toMatch(/^replaced/);
    expect(session.state).toBe("logged-out");
  });

  it("does not start a session the network no longer knows, and says it is logged out", async () => {
    const { alice, login, session, sink } = await aliceWithBridge();
    await alice.api.unlinkDevice(login.session.deviceJid as string);
    expect(await errorCode(session.start())).toBe("logged_out");
    expect(sink.loggedOutReasons).toEqual([expect.stringContaining("unauthorized")]);
    expect(session.state).toBe("logged-out");
  });

  it("logs out on the network when the core asks, without reporting it back", async () => {
    const { wa, alice, session, sink } = await aliceWithBridge();
    await session.start();
    await session.logout();
    expect(session.state).toBe("logged-out");
    expect((await wa.admin.devices(alice.jid)).map((d) => d.device)).toEqual([0]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sink.loggedOutReasons).toEqual([]);
  });
});

describe("whatsapp connector errors", () => {
  const text = (body: string) => ({ body: { kind: "text" as const, text: { text: body, entities: [] } } });

  it("maps edits and deletes past their windows to window_expired", async () => {
    const { wa, bob, session } = await aliceWithBridge({ fakeClock: true });
    const sent = await session.send(bob.jid, text("soon old"), "k1");
    wa.clock.now += 16 * 60_000;
    expect(await errorCode(session.edit(bob.jid, sent.id, { text: "too late", entities: [] }, "k2"))).toBe("window_expired");
    await session.delete(bob.jid, sent.id, "k3");
    const later = await session.send(bob.jid, text("older still"), "k4");
    wa.clock.now += 49 * 3_600_000;
    expect(await errorCode(session.delete(bob.jid, later.id, "k5"))).toBe("window_expired");
  });

  it("maps what the account may not do to forbidden, and missing or deleted targets to not_found", async () => {
    const { alice, bob, session } = await aliceWithBridge();
    const theirs = await bob.sendText(alice.jid, "bob's");
    expect(await errorCode(session.delete(bob.jid, theirs.id, "k1"))).toBe("forbidden");
    expect(await errorCode(session.edit(bob.jid, theirs.id, { text: "mine now", entities: [] }, "k2"))).toBe("forbidden");
    expect(await errorCode(session.react(bob.jid, "3EB0000000000000000000", "👍", "k3"))).toBe("not_found");
    const mine = await session.send(bob.jid, text("gone soon"), "k4");
    await session.delete(bob.jid, mine.id, "k5");
    expect(await errorCode(session.edit(bob.jid, mine.id, { text: "edit", entities: [] }, "k6"))).toBe("not_found");
    const group = await bob.api.createGroup("Bob's", [alice.jid]);
    expect(await errorCode(session.removeMembers(group.jid, [bob.jid]))).toBe("forbidden");
  });

  it("maps oversized text and files to too_large and a send rate over the limit to rate_limited", async () => {
    const { bob, session } = await aliceWithBridge({ rateLimits: { sendsPerMinute: 2 } });
    expect(await errorCode(session.send(bob.jid, text("x".repeat(65_537)), "k0"))).toBe("too_large");
    const sticker = { data: Buffer.alloc(500 * 1024 + 1), mimeType: "image/webp" };
    expect(await errorCode(session.send(bob.jid, { body: { kind: "media", media: "sticker", file: sticker } }, "k1"))).toBe("too_large");
    await session.send(bob.jid, text("one"), "k2");
    await session.send(bob.jid, text("two"), "k3");
    const refused = session.send(bob.jid, text("three"), "k4");
    await expect(refused).rejects.toMatchObject({ code: "rate_limited", retryAfterMs: expect.any(Number) });
  });
});
