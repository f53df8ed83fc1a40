import { describe, expect, it } from "@jest/globals";
import type { RemoteEvent } from "../../../src/network/index.js";
import { aliceWithBridge, connectBridge, Harness, loginBridge, connectorFor, SessionRecordingSink, testNetwork } from "./support.js";

const textOf = (event: RemoteEvent) => (event.type === "message" && event.body.kind === "text" ? event.body.text.text : undefined);

describe("instagram connector delivery", () => {
  it("gets an event again when the core refused it, and loses nothing after it", async () => {
    const { bob, thread_id, session, sink } = await aliceWithBridge();
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
    for (const text of ["1", "2", "3", "4", "5"]) await bob.sendText(thread_id, text);
    await sink.waitFor("message", 5);
    expect(sink.ofType("message").map(textOf)).toEqual(["1", "2", "3", "4", "5"]);
    expect(offered.filter((t) => t === "2")).toHaveLength(2);
    expect(sink.states.map((s) => s.state)).toEqual(["connecting", "connected", "disconnected", "connected"]);
    expect(sink.logs).toContainEqual(expect.objectContaining({ level: "warn", message: expect.stringContaining("delivers it again") }));
  });

  it("hands over after a restart what arrived while the bridge was stopped", async () => {
    const { bob, thread_id, connector, login, session, sink } = await aliceWithBridge();
    await session.start();
    await bob.sendText(thread_id, "before");
    await sink.waitFor("message");
    await session.stop();
    await bob.sendText(thread_id, "while away");
    const { session: next, sink: nextSink } = connectBridge(connector, login);
    await next.start();
    const [event] = await nextSink.waitFor("message");
    expect(textOf(event!)).toBe("while away");
  });

  it("says it resynchronised when it fell behind Instagram's retention, and hands over what is new", async () => {
    const h = await Harness.start(testNetwork({ retention: { maxEventsPerStream: 5 } }));
    const { bob, thread_id } = await h.pair();
    const connector = connectorFor(h);
    const login = await loginBridge(connector, "alice");
    const { session, sink } = connectBridge(connector, login);
    await session.start();
    await session.stop();
    for (let i = 0; i < 70; i++) await bob.sendText(thread_id, `m${i}`);
    const { session: next, sink: nextSink } = connectBridge(connector, login);
    await next.start();
    await nextSink.waitFor("message", 1, (e) => textOf(e) === "m69");
    expect(nextSink.states).toContainEqual({ state: "connected", detail: expect.stringContaining("resynchronised") });
    void sink;
  });

  it("stores the newest item it handed over, so a resync after a restart offers only what is newer", async () => {
    const h = await Harness.start(testNetwork({ retention: { maxEventsPerStream: 5 } }));
    const { bob, thread_id } = await h.pair();
    const connector = connectorFor(h);
    const login = await loginBridge(connector, "alice");
    // Nothing in the inbox at login: everything after it is new.
    expect(login.session.lastItemId).toBe("0");
    const { session, sink } = connectBridge(connector, login, new SessionRecordingSink());
    await session.start();
    const before = [];
    for (const text of ["1", "2", "3"]) before.push(await bob.sendText(thread_id, text));
    await sink.waitFor("message", 3);
    // Saved at most every 30 s while running, and always when the session stops.
    await session.stop();
    expect(sink.sessions.at(-1)).toEqual({ ...login.session, lastItemId: before[2]!.item_id });

    const gap = Array.from({ length: 70 }, (_, i) => `m${i}`);
    for (const text of gap) await bob.sendText(thread_id, text);
    const { session: next, sink: nextSink } = connectBridge(connector, { ...login, session: sink.sessions.at(-1)! });
    await next.start();
    await nextSink.waitFor("message", 1, (e) => textOf(e) === "m69");
    expect(nextSink.ofType("message").map(textOf)).toEqual(gap);
    expect(nextSink.logs).toContainEqual(expect.objectContaining({ level: "info", meta: expect.objectContaining({ messages: gap.length }) }));
  });

  it("does a resync cut short by a refused event again from the same position, losing nothing", async () => {
    const h = await Harness.start(testNetwork({ retention: { maxEventsPerStream: 5 } }));
    const { bob, thread_id: older } = await h.pair();
    const carol = await h.user("carol");
    const newer = (await carol.directThread({ username: "alice" })).thread_id;
    const connector = connectorFor(h);
    const login = await loginBridge(connector, "alice");
    const { session } = connectBridge(connector, login, new SessionRecordingSink());
    await session.start();
    await session.stop();
    const olderTexts = Array.from({ length: 35 }, (_, i) => `older ${i}`);
    const newerTexts = Array.from({ length: 35 }, (_, i) => `newer ${i}`);
    for (const text of olderTexts) await bob.sendText(older, text);
    for (const text of newerTexts) await carol.sendText(newer, text);
    // The newer thread is reconciled first; the homeserver then fails once in the older one.
    const { session: next, sink } = connectBridge(connector, login);
    let refused = false;
    sink.gate = (event) => {
      if (!refused && textOf(event) === "older 0") {
        refused = true;
        throw new Error("the homeserver is down");
      }
    };
    await next.start();
    await sink.waitFor("message", 1, (e) => textOf(e) === "older 34");
    const texts = sink.ofType("message").map(textOf);
    expect(refused).toBe(true);
    expect(texts.filter((t) => t?.startsWith("older"))).toEqual(olderTexts);
    expect(new Set(texts.filter((t) => t?.startsWith("newer")))).toEqual(new Set(newerTexts));
  });

  it("resynchronises every thread active in the gap, beyond the inbox's first page", async () => {
    const h = await Harness.start(testNetwork({ retention: { maxEventsPerStream: 5 } }));
    const { bob } = await h.pair();
    await h.account("carol");
    const connector = connectorFor(h);
    const login = await loginBridge(connector, "alice");
    const { session } = connectBridge(connector, login);
    await session.start();
    await session.stop();
    const threads = [];
    for (let i = 0; i < 25; i++) threads.push((await h.admin.createThread({ kind: "group", members: ["bob", "alice", "carol"], title: `g${i}`, creator: "bob" })).thread_id);
    // Enough updates for Instagram to drop the bridge's position.
    for (const [i, thread] of threads.entries()) for (const n of [1, 2, 3]) await bob.sendText(thread, `g${i} #${n}`);
    const { session: next, sink } = connectBridge(connector, login);
    await next.start();
    await sink.waitFor("message", threads.length * 3);
    expect(sink.states).toContainEqual({ state: "connected", detail: expect.stringContaining("resynchronised") });
    expect(new Set(sink.ofType("message").map((e) => e.chat.id))).toEqual(new Set(threads));
    for (const [i, thread] of threads.entries()) {
      expect(sink.ofType("message").filter((e) => e.chat.id === thread).map(textOf)).toEqual([1, 2, 3].map((n) => `g${i} #${n}`));
    }
  });
});

describe("instagram connector sessions ending", () => {
  it("reports loggedOut when the session is ended from another device", async () => {
    const { h, session, sink, login } = await aliceWithBridge();
    await session.start();
    const phone = await h.login("alice", "android-phone");
    await phone.endSession(login.session.sessionId as string);
    await sink.until(() => sink.loggedOutReasons.length > 0, "loggedOut");
    expect(session.state).toBe("logged-out");
  });

  it("logs out on the network when the core logs out, without reporting it back", async () => {
    const { h, session, sink, login } = await aliceWithBridge();
    await session.start();
    await session.logout();
    expect(session.state).toBe("logged-out");
    const sessions = await (await h.login("alice", "android-phone")).loginActivity();
    expect(sessions.map((s) => s.session_id)).not.toContain(login.session.sessionId);
    expect(sink.loggedOutReasons).toEqual([]);
  });
});
