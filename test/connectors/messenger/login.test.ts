import { describe, expect, it } from "@jest/globals";
import { MessengerClient } from "../../../src/simnet/messenger/client/index.js";
import { loginBridge, useConnector } from "./support.js";

const start = useConnector();

describe("messenger connector login", () => {
  it("asks for email and password (secret) and finishes with the account id, full name and a session", async () => {
    const ms = await start();
    const alice = await ms.world.user("Alice Liddell");
    const flow = ms.connector.login({ deviceName: "crosschat" });
    const first = await flow.start();
    expect(first).toMatchObject({ type: "input", fields: [{ id: "email" }, { id: "password", secret: true }] });
    const done = await flow.submit({ email: alice.email.toUpperCase(), password: alice.password });
    expect(done).toMatchObject({ type: "done", login: { remoteUserId: alice.account.id, remoteName: "Alice Liddell" } });
    const sessions = await ms.world.admin.sessions(alice.account.id);
    expect(sessions.map((s) => s.device_name)).toContain("crosschat");
  });

  it("asks for the two-factor code, again after a wrong one, and then finishes", async () => {
    const ms = await start();
    const bob = await ms.world.user("Bob", { twoFactor: true });
    const flow = ms.connector.login({ deviceName: "crosschat" });
    await flow.start();
    const codeStep = await flow.submit({ email: bob.email, password: bob.password });
    expect(codeStep).toMatchObject({ type: "input", fields: [{ id: "code", secret: true }], instructions: expect.stringContaining("code") });
    const [pending] = await ms.world.admin.pendingCodes({ email: bob.email });
    const wrong = pending?.code === "000000" ? "111111" : "000000";
    expect(await flow.submit({ code: wrong })).toMatchObject({ type: "input", fields: [{ id: "code" }], error: expect.stringContaining("not right") });
    expect(await flow.submit({ code: pending?.code ?? "" })).toMatchObject({ type: "done", login: { remoteUserId: bob.account.id, remoteName: "Bob" } });
  });

  it("asks again with an error for a wrong password", async () => {
    const ms = await start();
    const alice = await ms.world.user("Alice");
    const flow = ms.connector.login({ deviceName: "crosschat" });
    await flow.start();
    expect(await flow.submit({ email: alice.email, password: "wrong" })).toMatchObject({ type: "input", fields: [{ id: "email" }, { id: "password" }], error: expect.any(String) });
  });

  it("fails with the wait once logins are throttled", async () => {
    const ms = await start();
    const alice = await ms.world.user("Alice");
    const flow = ms.connector.login({ deviceName: "crosschat" });
    await flow.start();
    let step = await flow.submit({ email: alice.email, password: "wrong" });
    for (let i = 0; i < 6 && step.type === "input"; i++) step = await flow.submit({ email: alice.email, password: "wrong" });
    expect(step).toMatchObject({ type: "failed", reason: expect.stringMatching(/Try again in \d+ minutes?/) });
  });

  it("stores a session a plain client can use", async () => {
    const ms = await start();
    const alice = await ms.world.user("Alice");
    const login = await loginBridge(ms, alice);
    const client = ms.world.track(new MessengerClient(ms.world.url, login.session as never));
    expect((await client.api.me()).id).toBe(alice.account.id);
  });
});
