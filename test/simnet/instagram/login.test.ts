/**
 * Instagram login: username + password, Instagram's error answers, the checkpoint challenge
 * (flagged accounts, random checkpoints on unverified devices, codes read through the admin
 * API, wrong and expired codes), several sessions at once, logout and ending other sessions.
 */
import { describe, expect, it } from "@jest/globals";
import { instagramKit } from "../../../src/simnet/instagram/client/kit.js";
import { startLogin } from "../../../src/simnet/instagram/client/login.js";
import { Harness, PASSWORD, testNetwork } from "./harness.js";

async function expectCheckpoint(h: Harness, username: string, deviceId: string) {
  const step = await startLogin(h.url, { username, password: PASSWORD, deviceId });
  if (step.status !== "checkpoint_required") throw new Error("expected a checkpoint");
  return step;
}

describe("instagram login", () => {
  it("logs in with username and password and answers with a session the API accepts", async () => {
    const h = await Harness.start();
    const account = await h.account("alice", { fullName: "Alice Liddell" });
    const client = await h.login("alice");
    expect(client.userId).toBe(account.pk);
    expect(client.session.token).toMatch(/^IGT:2:/);
    expect(await client.currentUser()).toMatchObject({ pk: account.pk, username: "alice", full_name: "Alice Liddell" });
  });

  it("treats the username case-insensitively", async () => {
    const h = await Harness.start();
    await h.account("alice");
    expect((await h.login("ALICE")).username).toBe("alice");
  });

  it("answers a wrong password with bad_password and an unknown user with invalid_user, in Instagram's body", async () => {
    const h = await Harness.start();
    await h.account("alice");
    const wrong = startLogin(h.url, { username: "alice", password: "nope-nope" });
    await expect(wrong).rejects.toMatchObject({ status: 400, code: "bad_password", body: { status: "fail", invalid_credentials: true } });
    await expect(startLogin(h.url, { username: "nobody", password: PASSWORD })).rejects.toMatchObject({ status: 400, code: "invalid_user" });
  });

  it("puts a flagged account through a checkpoint whose code the admin API shows, then clears the flag", async () => {
    const h = await Harness.start();
    await h.account("alice", { checkpoint: true });
    const step = await expectCheckpoint(h, "alice", "android-1");
    const pending = await h.admin.challenges("alice");
    expect(pending).toHaveLength(1);
    expect(pending[0]!.code).toMatch(/^\d{6}$/);
    expect(pending[0]!.challenge_id).toBe(step.challenge.challenge_id);
    const client = await step.submit(pending[0]!.code);
    expect((await client.currentUser()).username).toBe("alice");
    expect((await h.admin.account("alice")).checkpoint).toBe(false);
    expect(await h.admin.challenges("alice")).toEqual([]);
    await h.login("alice", "android-2");
  });

  it("forces a checkpoint on the next login when the admin asks for one", async () => {
    const h = await Harness.start();
    await h.account("alice");
    await h.login("alice", "android-1");
    await h.admin.forceCheckpoint("alice");
    await expectCheckpoint(h, "alice", "android-1");
  });

  it("meets random checkpoints only on devices the account has not verified", async () => {
    const h = await Harness.start(testNetwork({ checkpointRate: 1 }));
    await h.account("alice");
    const step = await expectCheckpoint(h, "alice", "android-phone");
    await step.submit((await h.admin.challenges("alice"))[0]!.code);
    await h.login("alice", "android-phone");
    await expectCheckpoint(h, "alice", "android-tablet");
  });

  it("refuses wrong codes, counts them down, and gives up on the challenge after five", async () => {
    const h = await Harness.start();
    await h.account("alice", { checkpoint: true });
    const step = await expectCheckpoint(h, "alice", "android-1");
    const code = (await h.admin.challenges("alice"))[0]!.code;
    const wrong = code === "000000" ? "111111" : "000000";
    await expect(step.submit(wrong)).rejects.toMatchObject({ code: "invalid_security_code", body: { attempts_left: 4 } });
    for (let i = 0; i < 4; i++) await step.submit(wrong).catch(() => undefined);
    await expect(step.submit(code)).rejects.toMatchObject({ code: "challenge_expired" });
  });

  it("lets a code expire after ten minutes", async () => {
    const h = await Harness.start();
    await h.account("alice", { checkpoint: true });
    const step = await expectCheckpoint(h, "alice", "android-1");
    const code = (await h.admin.challenges("alice"))[0]!.code;
    h.clock.offsetMs += 10 * 60_000 + 1;
    await expect(step.submit(code)).rejects.toMatchObject({ code: "challenge_expired" });
    expect(await h.admin.challenges("alice")).toEqual([]);
  });

  it("asks for the checkpoint code through the kit's prompt", async () => {
    const h = await Harness.start();
    await h.account("alice", { checkpoint: true });
    const questions: string[] = [];
    const agent = await instagramKit.login(h.url, { handle: "@alice", password: PASSWORD }, async (question) => {
      questions.push(question);
      return (await instagramKit.pendingCode(h.url, h.net.adminToken, "alice"))!;
    });
    expect(questions[0]).toMatch(/6-digit code/);
    expect(agent.userId).toBe((await h.admin.account("alice")).pk);
    await agent.close();
  });

  it("holds several sessions at once and lists them as login activity", async () => {
    const h = await Harness.start();
    await h.account("alice");
    const phone = await h.login("alice", "android-phone");
    const laptop = await h.login("alice", "android-laptop");
    const sessions = await phone.loginActivity();
    expect(sessions.map((s) => s.device_id).sort()).toEqual(["android-laptop", "android-phone"]);
    expect(sessions.find((s) => s.is_current)?.device_id).toBe("android-phone");
    expect((await laptop.currentUser()).username).toBe("alice");
  });

  it("stops a token working after logout, answering login_required", async () => {
    const h = await Harness.start();
    await h.account("alice");
    const client = await h.login("alice");
    await client.logout();
    await expect(client.currentUser()).rejects.toMatchObject({ status: 401, code: "login_required", body: { message: "login_required", status: "fail" } });
  });

  it("ends another session from login activity, closing its realtime connection", async () => {
    const h = await Harness.start();
    await h.account("alice");
    const phone = await h.login("alice", "android-phone");
    const laptop = await h.login("alice", "android-laptop");
    const collector = await h.listen(laptop);
    const loggedOut = new Promise((resolve) => collector.realtime.on("logged_out", resolve));
    await phone.endSession(laptop.session.sessionId);
    await loggedOut;
    await expect(laptop.currentUser()).rejects.toMatchObject({ code: "login_required" });
    expect((await phone.currentUser()).username).toBe("alice");
  });

  it("limits login attempts per username with Instagram's 429", async () => {
    const h = await Harness.start(testNetwork({ rateLimits: { loginAttemptsPerHour: 3 } }));
    await h.account("alice");
    for (let i = 0; i < 3; i++) await startLogin(h.url, { username: "alice", password: "wrong-password" }).catch(() => undefined);
    const error = await startLogin(h.url, { username: "alice", password: PASSWORD }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 429, code: "rate_limit_error" });
    expect((error as { retryAfter: number }).retryAfter).toBeGreaterThan(0);
  });
});
