import { describe, expect, it } from "@jest/globals";
import type { RemoteEvent } from "../../../src/network/index.js";
import { aliceWithBridge, connectBridge, Harness, loginBridge, connectorFor, testNetwork } from "./support.js";

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
