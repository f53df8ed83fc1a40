/** A restart loses nothing: accounts, sessions, threads, messages, pending codes, undelivered deltas. */
import { describe, expect, it } from "@jest/globals";
import { completeTwoFactor, MessengerClient, startLogin } from "../../../src/simnet/messenger/client/index.js";
import { DeltaCollector, FAST_RETRY, nextEvent, useMessenger } from "./harness.js";

const start = useMessenger();

describe("messenger persistence", () => {
  it("keeps accounts, sessions, threads, messages and reactions across a restart", async () => {
    const world = await start();
    const alice = await world.user("Alice");
    const bob = await world.user("Bob");
    const carol = await world.user("Carol", { twoFactor: true });
    const client = await world.login(alice);
    const group = await client.api.createThread([bob.account.id, carol.account.id], "Survivors");
    const sent = await client.api.send(group.id, { text: "before the restart" });
    await client.api.react(sent.message_id, "🔥");
    await world.restart();
    expect((await world.admin.accounts()).map((a) => [a.name, a.two_factor_enabled])).toEqual([
      ["Alice", false],
      ["Bob", false],
      ["Carol", true],
    ]);
    expect(await client.api.me()).toMatchObject({ id: alice.account.id });
    expect((await client.api.thread(group.id)).name).toBe("Survivors");
    const [message] = (await client.api.messages(group.id)).messages;
    expect(message).toMatchObject({ id: sent.message_id, text: "before the restart", reactions: [expect.objectContaining({ emoji: "🔥" })] });
    const next = await client.api.send(group.id, { text: "after" });
    expect(next.message_id).not.toBe(sent.message_id);
    const dave = await world.user("Dave");
    expect(Number(dave.account.id)).toBe(Number(carol.account.id) + 1);
  });

  it("delivers deltas that were not yet delivered before the restart, and the client reconnects by itself", async () => {
    const world = await start();
    const bob = await world.online("Bob", FAST_RETRY);
    const alice = await world.login(await world.user("Alice"), FAST_RETRY);
    await alice.api.send(bob.user.account.id, { text: "one" });
    await bob.deltas.count(1);
    const saved = bob.client.save();
    await bob.client.close();
    await alice.api.send(bob.user.account.id, { text: "two" });
    await world.restart();
    await alice.api.send(bob.user.account.id, { text: "three" });
    const again = world.track(new MessengerClient(world.url, saved, FAST_RETRY));
    const deltas = new DeltaCollector(again.realtime());
    await again.realtime().start();
    await deltas.count(2);
    expect(deltas.ofType("new_message").map((d) => d.message.text)).toEqual(["two", "three"]);

    const reconnected = nextEvent(again.realtime(), "connected", 8_000);
    await world.restart();
    await reconnected;
    await alice.api.send(bob.user.account.id, { text: "four" });
    expect((await deltas.next("new_message", (d) => d.message.text === "four")).message.text).toBe("four");
  });

  it("keeps a pending two-factor login across a restart", async () => {
    const world = await start();
    const carol = await world.user("Carol", { twoFactor: true });
    const step = await startLogin(world.url, { email: carol.email, password: carol.password });
    if (step.status !== "two_factor_required") throw new Error("expected a 2FA challenge");
    await world.restart();
    const [pending] = await world.admin.pendingCodes({ email: carol.email });
    expect((await completeTwoFactor(world.url, step.challenge.login_token, pending!.code)).account_id).toBe(carol.account.id);
  });
});
