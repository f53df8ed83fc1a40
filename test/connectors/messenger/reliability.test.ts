import { describe, expect, it } from "@jest/globals";
import { createMessengerNetwork } from "../../../src/simnet/messenger/index.js";
import type { RemoteEvent } from "../../../src/network/index.js";
import { sendTexts } from "../../simnet/messenger/harness.js";
import { aliceWithBridge, connectBridge, loginBridge, SessionRecordingSink, useConnector } from "./support.js";

const start = useConnector();
const startTiny = useConnector({ ...createMessengerNetwork({ rateLimits: { sendsPerMinute: 10_000 } }), retention: { maxEventsPerStream: 5, maxAgeMs: 3_600_000 } });

const textOf = (event: RemoteEvent) => (event.type === "message" && event.body.kind === "text" ? event.body.text.text : undefined);

describe("messenger connector delivery", () => {
  it("gets an event again when the core refused it, and loses nothing after it", async () => {
    const ms = await start();
    const { alice, bobApp, session, sink } = await aliceWithBridge(ms);
    await sendTexts(bobApp, alice.account.id, ["1", "2", "3", "4", "5"]);
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
    expect(offered.slice(0, 3)).toEqual(["1", "2", "2"]);
    expect(sink.states.map((s) => s.state)).toEqual(["connecting", "connected", "disconnected", "connected"]);
    expect(sink.logs).toContainEqual(expect.objectContaining({ level: "warn", message: expect.stringContaining("delivers it again") }));
  });

  it("finishes the event in progress on stop and leaves the rest for the next start", async () => {
    const ms = await start();
    const { alice, bobApp, login, session, sink } = await aliceWithBridge(ms);
    await sendTexts(bobApp, alice.account.id, ["1", "2", "3", "4"]);
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
    const { session: next, sink: nextSink } = connectBridge(ms, login);
    await next.start();
    await nextSink.waitFor("message", 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(nextSink.ofType("message").map(textOf)).toEqual(["3", "4"]);
  });

  it("says it resynchronised past Messenger's retention and hands over the snapshot's newer messages", async () => {
    const ms = await startTiny();
    const alice = await ms.world.user("Alice");
    const bob = await ms.world.user("Bob");
    const bobApp = await ms.world.login(bob);
    const login = await loginBridge(ms, alice);
    const { session, sink } = connectBridge(ms, login);
    await session.start();
    await sendTexts(bobApp, alice.account.id, ["first"]);
    await sink.waitFor("message", 1);
    await session.stop();
    await sendTexts(bobApp, alice.account.id, Array.from({ length: 70 }, (_, i) => `m${i}`));
    const { session: next, sink: nextSink } = connectBridge(ms, login);
    await next.start();
    await nextSink.until(() => nextSink.states.some((s) => s.detail?.startsWith("resynchronised") === true), "a resync");
    expect(nextSink.states).toContainEqual({ state: "connected", detail: expect.stringContaining("resynchronised") });
    await nextSink.waitFor("message", 1, (event) => textOf(event) === "m69");
    await sendTexts(bobApp, alice.account.id, ["after"]);
    await nextSink.waitFor("message", 1, (event) => textOf(event) === "after");
  });

  it("stores the newest message seen with the login, and after a restart past retention pages back to it", async () => {
    const ms = await startTiny();
    const alice = await ms.world.user("Alice");
    const bobApp = await ms.world.login(await ms.world.user("Bob"));
    const login = await loginBridge(ms, alice);
    const { session, sink } = connectBridge(ms, login, new SessionRecordingSink());
    await session.start();
    const [first] = await sendTexts(bobApp, alice.account.id, ["first"]);
    await sink.waitFor("message", 1);
    await session.stop();
    const stored = sink.sessions.at(-1);
    expect(stored).toMatchObject({ ...login.session, newestSeen: sink.ofType("message")[0]?.timestamp });
    expect(first).toBe(sink.ofType("message")[0]?.id);

    // 70 messages while stopped: more than a snapshot shows, and past what Messenger retains.
    const missed = Array.from({ length: 70 }, (_, i) => `m${i}`);
    await sendTexts(bobApp, alice.account.id, missed);
    const { session: next, sink: nextSink } = connectBridge(ms, { ...login, session: stored ?? {} });
    await next.start();
    await nextSink.waitFor("message", 1, (event) => textOf(event) === "m69");
    // The newest message seen is offered again (others may share its millisecond): the core drops it.
    expect(nextSink.ofType("message").map(textOf)).toEqual(["first", ...missed]);
    expect(nextSink.states).toContainEqual({ state: "connected", detail: expect.stringContaining("resynchronised") });
  });
});

describe("messenger connector sessions ending", () => {
  it("reports loggedOut when the session is revoked from the phone", async () => {
    const ms = await start();
    const { aliceApp, login, session, sink } = await aliceWithBridge(ms);
    await session.start();
    await aliceApp.api.revokeSession(String(login.session.sessionId));
    await sink.until(() => sink.loggedOutReasons.length === 1, "loggedOut");
    expect(sink.loggedOutReasons[0]).toMatch(/^session_revoked/);
    expect(session.state).toBe("logged-out");
    await expect(session.getSelf()).rejects.toMatchObject({ code: "logged_out" });
  });

  it("logs out on the network without reporting loggedOut to the core", async () => {
    const ms = await start();
    const { alice, session, sink } = await aliceWithBridge(ms);
    await session.start();
    await session.logout();
    expect(session.state).toBe("logged-out");
    const sessions = await ms.world.admin.sessions(alice.account.id);
    expect(sessions.map((s) => s.device_name)).not.toContain("crosschat");
    expect(sink.loggedOutReasons).toEqual([]);
  });

  it("refuses to start a session the network no longer accepts, as logged_out", async () => {
    const ms = await start();
    const { aliceApp, login, session } = await aliceWithBridge(ms);
    await aliceApp.api.revokeSession(String(login.session.sessionId));
    await expect(session.start()).rejects.toMatchObject({ code: "logged_out" });
  });
});
