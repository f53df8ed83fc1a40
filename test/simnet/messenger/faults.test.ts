/**
 * Per-account send limits, and a client that survives what the network throws at it: injected
 * 500s and 429s, dropped and refused connections, slow deliveries.
 */
import { describe, expect, it } from "@jest/globals";
import { SimnetRequestError } from "../../../src/simnet/client/http.js";
import { createMessengerNetwork } from "../../../src/simnet/messenger/index.js";
import { newOfflineThreadingId } from "../../../src/simnet/messenger/client/index.js";
import { FAST_RETRY, nextEvent, NO_RETRY, useMessenger } from "./harness.js";

const start = useMessenger(createMessengerNetwork({ rateLimits: { sendsPerMinute: 3 } }));

describe("messenger rate limits and faults", () => {
  it("limits sends per account with 429 rate_limited and Retry-After; replays of a sent message cost nothing", async () => {
    const world = await start();
    const bob = await world.user("Bob");
    const alice = await world.login(await world.user("Alice"), NO_RETRY);
    const otid = newOfflineThreadingId();
    const first = await alice.api.send(bob.account.id, { text: "1" }, otid);
    expect(await alice.api.send(bob.account.id, { text: "1" }, otid)).toEqual(first);
    await alice.api.send(bob.account.id, { text: "2" });
    await alice.api.send(bob.account.id, { text: "3" });
    const refused = (await alice.api.send(bob.account.id, { text: "4" }).catch((e: unknown) => e)) as SimnetRequestError;
    expect([refused.status, refused.code, refused.retryAfter]).toEqual([429, "rate_limited", 20]);
    expect(await alice.api.send(bob.account.id, { text: "1" }, otid)).toEqual(first);
    const carol = await world.login(await world.user("Carol"), NO_RETRY);
    await carol.api.send(bob.account.id, { text: "others are not limited by Alice" });
  });

  it("retries a send through injected 500s and stores it once", async () => {
    const world = await start();
    const bob = await world.user("Bob");
    const alice = await world.login(await world.user("Alice"), FAST_RETRY);
    await world.admin.failRequests(2, 500);
    const sent = await alice.api.send(bob.account.id, { text: "persistent" });
    const key = [alice.accountId, bob.account.id].sort().join(":");
    expect((await world.admin.threadMessages(key)).map((m) => m.id)).toEqual([sent.message_id]);
  });

  it("waits out an injected 429's Retry-After and then succeeds", async () => {
    const world = await start();
    const bob = await world.user("Bob");
    const alice = await world.login(await world.user("Alice"), FAST_RETRY);
    await world.admin.failRequests(1, 429, 1);
    const started = Date.now();
    await alice.api.send(bob.account.id, { text: "patient" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("does not retry a 500 on a request that is not safe to repeat", async () => {
    const world = await start();
    const bob = await world.user("Bob");
    const alice = await world.login(await world.user("Alice"), FAST_RETRY);
    const sent = await alice.api.send(bob.account.id, { text: "v1" });
    await world.admin.failRequests(1, 500);
    const refused = (await alice.api.edit(sent.message_id, "v2").catch((e: unknown) => e)) as SimnetRequestError;
    expect([refused.status, refused.code]).toEqual([500, "internal_error"]);
  });

  it("keeps the stream going through refused reconnections and slow deliveries, losing nothing", async () => {
    const world = await start();
    const bob = await world.online("Bob", FAST_RETRY);
    const alice = await world.login(await world.user("Alice"), FAST_RETRY);
    const stream = bob.client.realtime();
    await world.admin.refuseConnections(0.3);
    const back = nextEvent(stream, "connected", 8_000);
    await world.admin.dropConnections();
    await world.admin.delayDeliveries(20);
    await alice.api.send(bob.user.account.id, { text: "sent while refused" });
    await back;
    await alice.api.send(bob.user.account.id, { text: "after" });
    await bob.deltas.count(2, 8_000);
    expect(bob.deltas.ofType("new_message").map((d) => d.message.text)).toEqual(["sent while refused", "after"]);
    await world.admin.clearFaults();
  });
});
