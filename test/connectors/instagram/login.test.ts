import { describe, expect, it } from "@jest/globals";
import { connectorFor, Harness, PASSWORD, testNetwork } from "./support.js";

describe("instagram connector login", () => {
  it("logs in with username and password and stores the pk, never the username, as the id", async () => {
    const h = await Harness.start();
    const account = await h.account("alice", { fullName: "Alice Liddell" });
    const flow = connectorFor(h).login({ deviceName: "crosschat" });
    const first = await flow.start();
    expect(first).toMatchObject({ type: "input", fields: [{ id: "username" }, { id: "password", secret: true }] });
    const done = await flow.submit({ username: "@Alice", password: PASSWORD });
    expect(done).toMatchObject({ type: "done", login: { remoteUserId: account.pk, remoteName: "Alice Liddell" } });
  });

  it("asks again with an error after a wrong password or an unknown username", async () => {
    const h = await Harness.start();
    await h.account("alice");
    const flow = connectorFor(h).login({ deviceName: "crosschat" });
    await flow.start();
    expect(await flow.submit({ username: "alice", password: "wrong password" })).toMatchObject({ type: "input", error: expect.stringContaining("password") });
    expect(await flow.submit({ username: "nobody", password: PASSWORD })).toMatchObject({ type: "input", error: expect.stringContaining("no Instagram account") });
    expect(await flow.submit({ username: "alice", password: PASSWORD })).toMatchObject({ type: "done" });
  });

  it("asks for the checkpoint code, asks again after a wrong one, and finishes with the right one", async () => {
    const h = await Harness.start();
    await h.account("alice", { checkpoint: true });
    const flow = connectorFor(h).login({ deviceName: "crosschat" });
    await flow.start();
    const ask = await flow.submit({ username: "alice", password: PASSWORD });
    expect(ask).toMatchObject({ type: "input", fields: [{ id: "code", secret: true }], instructions: expect.stringContaining("security code") });
    const [challenge] = await h.admin.challenges("alice");
    const wrong = challenge!.code === "000000" ? "111111" : "000000";
    expect(await flow.submit({ code: wrong })).toMatchObject({ type: "input", fields: [{ id: "code" }], error: expect.stringContaining("not right") });
    expect(await flow.submit({ code: challenge!.code })).toMatchObject({ type: "done" });
  });

  it("fails with the wait when Instagram limits login attempts", async () => {
    const h = await Harness.start(testNetwork({ rateLimits: { loginAttemptsPerHour: 2 } }));
    await h.account("alice");
    const flow = connectorFor(h).login({ deviceName: "crosschat" });
    await flow.start();
    await flow.submit({ username: "alice", password: "wrong one" });
    await flow.submit({ username: "alice", password: "wrong one" });
    expect(await flow.submit({ username: "alice", password: PASSWORD })).toMatchObject({ type: "failed", reason: expect.stringMatching(/Try again in \d+ minute/) });
  });
});
