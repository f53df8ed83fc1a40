/** Logging in: email + password, optional two-factor code, throttling of wrong attempts. */
import { describe, expect, it } from "@jest/globals";
import { SimnetRequestError } from "../../../src/simnet/client/http.js";
import { messengerNetwork } from "../../../src/simnet/messenger/index.js";
import { completeTwoFactor, messengerKit, MessengerClient, startLogin } from "../../../src/simnet/messenger/client/index.js";
import { NO_RETRY, TestClock, useMessenger } from "./harness.js";

const clock = new TestClock();
const start = useMessenger(messengerNetwork, { now: clock.now });

async function refusal(promise: Promise<unknown>): Promise<SimnetRequestError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof SimnetRequestError)) throw new Error(`expected a refused request, got ${String(error)}`);
  return error;
}

describe("messenger login", () => {
  it("logs in with email and password and answers a token, a session id and the numeric account id", async () => {
    const world = await start();
    const alice = await world.user("Alice Liddell");
    expect(alice.account.id).toMatch(/^1000\d{11}$/);
    const step = await startLogin(world.url, { email: alice.email, password: alice.password, deviceName: "Laptop" });
    if (step.status !== "logged_in") throw new Error("expected a direct login");
    expect(step.session.account_id).toBe(alice.account.id);
    const client = world.track(MessengerClient.fromLogin(world.url, step.session));
    expect(await client.api.me()).toMatchObject({ id: alice.account.id, name: "Alice Liddell", email: alice.email, two_factor_enabled: false });
  });

  it("matches the email case-insensitively", async () => {
    const world = await start();
    const alice = await world.user("Alice");
    const step = await startLogin(world.url, { email: alice.email.toUpperCase(), password: alice.password });
    expect(step.status).toBe("logged_in");
  });

  it("refuses a wrong password and an unknown email alike with invalid_credentials", async () => {
    const world = await start();
    const alice = await world.user("Alice");
    const wrong = await refusal(startLogin(world.url, { email: alice.email, password: "nope" }, NO_RETRY.retry));
    expect([wrong.status, wrong.code]).toEqual([401, "invalid_credentials"]);
    const unknown = await refusal(startLogin(world.url, { email: "nobody@example.com", password: "x" }, NO_RETRY.retry));
    expect([unknown.status, unknown.code]).toEqual([401, "invalid_credentials"]);
  });

  it("asks for a 6-digit code when 2FA is on, shows it to the admin API, and completes with it", async () => {
    const world = await start();
    const bob = await world.user("Bob", { twoFactor: true });
    const step = await startLogin(world.url, { email: bob.email, password: bob.password, deviceName: "Phone" });
    if (step.status !== "two_factor_required") throw new Error("expected a 2FA challenge");
    expect(step.challenge.code_length).toBe(6);
    expect(step.challenge.expires_at).toBeGreaterThan(clock.now());
    const [pending] = await world.admin.pendingCodes({ email: bob.email });
    expect(pending).toMatchObject({ account_id: bob.account.id, device_name: "Phone" });
    expect(pending!.code).toMatch(/^\d{6}$/);
    const session = await completeTwoFactor(world.url, step.challenge.login_token, pending!.code);
    expect(session.account_id).toBe(bob.account.id);
    expect(await world.admin.pendingCodes({ email: bob.email })).toEqual([]);
    const reused = await refusal(completeTwoFactor(world.url, step.challenge.login_token, pending!.code, NO_RETRY.retry));
    expect(reused.code).toBe("login_token_expired");
  });

  it("refuses a wrong 2FA code and a login token past its five minutes", async () => {
    const world = await start();
    const bob = await world.user("Bob", { twoFactor: true });
    const step = await startLogin(world.url, { email: bob.email, password: bob.password });
    if (step.status !== "two_factor_required") throw new Error("expected a 2FA challenge");
    const [pending] = await world.admin.pendingCodes({ accountId: bob.account.id });
    const wrongCode = pending!.code === "000000" ? "111111" : "000000";
    const wrong = await refusal(completeTwoFactor(world.url, step.challenge.login_token, wrongCode, NO_RETRY.retry));
    expect([wrong.status, wrong.code]).toEqual([401, "invalid_two_factor_code"]);
    clock.advance(5 * 60_000 + 1);
    const expired = await refusal(completeTwoFactor(world.url, step.challenge.login_token, pending!.code, NO_RETRY.retry));
    expect(expired.code).toBe("login_token_expired");
    expect(await world.admin.pendingCodes({ email: bob.email })).toEqual([]);
  });

  it("throttles an account after five wrong passwords, even the right one, with 429 and Retry-After, then lets it in again", async () => {
    const world = await start();
    const alice = await world.user("Alice");
    for (let i = 0; i < 5; i++) {
      expect((await refusal(startLogin(world.url, { email: alice.email, password: `wrong${i}` }, NO_RETRY.retry))).code).toBe("invalid_credentials");
    }
    const throttled = await refusal(startLogin(world.url, { email: alice.email, password: alice.password }, NO_RETRY.retry));
    expect([throttled.status, throttled.code]).toEqual([429, "login_throttled"]);
    expect(throttled.retryAfter).toBe(180);
    clock.advance(180_000);
    expect((await startLogin(world.url, { email: alice.email, password: alice.password }, NO_RETRY.retry)).status).toBe("logged_in");
  });

  it("counts wrong 2FA codes toward the same throttle", async () => {
    const world = await start();
    const bob = await world.user("Bob", { twoFactor: true });
    const step = await startLogin(world.url, { email: bob.email, password: bob.password });
    if (step.status !== "two_factor_required") throw new Error("expected a 2FA challenge");
    const [pending] = await world.admin.pendingCodes({ email: bob.email });
    const wrongCode = pending!.code === "000000" ? "111111" : "000000";
    for (let i = 0; i < 5; i++) await refusal(completeTwoFactor(world.url, step.challenge.login_token, wrongCode, NO_RETRY.retry));
    const throttled = await refusal(completeTwoFactor(world.url, step.challenge.login_token, pending!.code, NO_RETRY.retry));
    expect(throttled.code).toBe("login_throttled");
  });

  it("lets the user turn 2FA on and off with their password", async () => {
    const world = await start();
    const alice = await world.user("Alice");
    const client = await world.login(alice);
    const wrong = await refusal(client.api.setTwoFactor(true, "not my password"));
    expect([wrong.status, wrong.code]).toEqual([403, "invalid_credentials"]);
    expect(await client.api.setTwoFactor(true, alice.password)).toBe(true);
    expect((await startLogin(world.url, { email: alice.email, password: alice.password })).status).toBe("two_factor_required");
    expect(await client.api.setTwoFactor(false, alice.password)).toBe(false);
    expect((await startLogin(world.url, { email: alice.email, password: alice.password })).status).toBe("logged_in");
  });

  it("logs in through the kit, prompting for the 2FA code", async () => {
    const world = await start();
    const bob = await world.user("Bob", { twoFactor: true });
    const questions: string[] = [];
    const agent = await messengerKit.login(world.url, { handle: bob.email, password: bob.password }, async (question) => {
      questions.push(question);
      return (await messengerKit.pendingCode(world.url, world.net.adminToken, bob.email))!;
    });
    try {
      expect(agent.userId).toBe(bob.account.id);
      expect(questions).toEqual([expect.stringMatching(/6-digit/)]);
    } finally {
      await agent.close();
    }
  });
});
