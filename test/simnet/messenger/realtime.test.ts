/**
 * The delta stream: numbered deltas per account, own messages echoed to the sender's sessions,
 * acknowledgements, resume after disconnects without loss or reordering, duplicates dropped,
 * resynchronisation past retention, and ephemeral typing.
 */
import { describe, expect, it } from "@jest/globals";
import { createMessengerNetwork } from "../../../src/simnet/messenger/index.js";
import { MessengerClient } from "../../../src/simnet/messenger/client/index.js";
import { DeltaCollector, FAST_RETRY, nextEvent, RawStream, sendTexts, useMessenger, type MessengerWorld } from "./harness.js";

const start = useMessenger();
const startTiny = useMessenger({
  ...createMessengerNetwork({ rateLimits: { sendsPerMinute: 10_000 } }),
  retention: { maxEventsPerStream: 5, maxAgeMs: 3_600_000 },
});

const seventy = Array.from({ length: 70 }, (_, i) => `m${i}`);

/** Bob gets one message, saves his session and goes offline; then `missed` messages are sent to him. */
async function offlineBob(world: MessengerWorld, missed: string[]) {
  const { bob, alice, toBob } = await world.pair();
  await sendTexts(alice, toBob, ["before"]);
  await bob.deltas.count(1);
  const saved = bob.client.save();
  await bob.client.close();
  await sendTexts(alice, toBob, missed);
  return { bob, alice, toBob, saved };
}

describe("messenger realtime", () => {
  it("delivers a message as a numbered new_message delta to the recipient and, marked own, to every session of the sender", async () => {
    const world = await start();
    const bob = await world.online("Bob");
    const alice = await world.user("Alice");
    const laptop = await world.login(alice, undefined, "Laptop");
    const phone = await world.login(alice, undefined, "Phone");
    const laptopDeltas = new DeltaCollector(laptop.realtime());
    const phoneDeltas = new DeltaCollector(phone.realtime());
    await Promise.all([laptop.realtime().start(), phone.realtime().start()]);

    const sent = await laptop.api.send(bob.user.account.id, { text: "hi Bob" });
    const atBob = await bob.deltas.next("new_message");
    expect(atBob).toMatchObject({ own: false, actor_id: alice.account.id, thread_id: alice.account.id, message: { id: sent.message_id, text: "hi Bob" } });
    expect(bob.deltas.events[0]?.seq).toBe(1);
    for (const echo of [await phoneDeltas.next("new_message"), await laptopDeltas.next("new_message")]) {
      expect(echo).toMatchObject({ own: true, thread_id: bob.user.account.id, message: { id: sent.message_id, offline_threading_id: sent.offline_threading_id } });
    }
  });

  it("resumes after a dropped connection with exactly the missed deltas, in order, none twice", async () => {
    const world = await start();
    const { bob, alice, toBob: thread } = await world.pair(FAST_RETRY);
    await sendTexts(alice, thread, ["one", "two"]);
    await bob.deltas.count(2);
    const reconnected = nextEvent(bob.client.realtime(), "connected");
    expect(await world.admin.dropConnections()).toBeGreaterThanOrEqual(1);
    await sendTexts(alice, thread, ["three", "four", "five"]);
    expect((await reconnected).resume_from).toBe(2);
    await bob.deltas.count(5);
    await sendTexts(alice, thread, ["six"]);
    await bob.deltas.count(6);
    expect(bob.deltas.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(bob.deltas.ofType("new_message").map((d) => d.message.text)).toEqual(["one", "two", "three", "four", "five", "six"]);
  });

  it("resumes a later client from the last seq it saved", async () => {
    const world = await start();
    const { saved } = await offlineBob(world, ["while away 1", "while away 2"]);
    const again = world.track(new MessengerClient(world.url, saved));
    const deltas = new DeltaCollector(again.realtime());
    await again.realtime().start();
    await deltas.count(2);
    expect(deltas.ofType("new_message").map((d) => d.message.text)).toEqual(["while away 1", "while away 2"]);
  });

  it("resumes from the session's acknowledged position when the client names no last_seq", async () => {
    const world = await start();
    const { bob, alice, toBob } = await world.pair();
    await sendTexts(alice, toBob, ["a", "b"]);
    await bob.deltas.count(2);
    await bob.client.close(); // flushes the ack of seq 2
    await sendTexts(alice, toBob, ["c"]);
    const socket = await RawStream.open(world.url, { access_token: bob.client.accessToken });
    try {
      expect(await socket.next((f) => f.type === "connected")).toMatchObject({ resume_from: 2, last_seq: 3 });
      expect(await socket.next((f) => f.type === "delta")).toMatchObject({ seq: 3, delta: { message: { text: "c" } } });
    } finally {
      socket.close();
    }
  });

  it("starts a new session's stream at the position of its login, not at old history", async () => {
    const world = await start();
    const bob = await world.user("Bob");
    const alice = await world.login(await world.user("Alice"));
    await sendTexts(alice, bob.account.id, ["old"]);
    const client = await world.login(bob);
    const deltas = new DeltaCollector(client.realtime());
    await client.realtime().start();
    await sendTexts(alice, bob.account.id, ["new"]);
    await deltas.next("new_message");
    expect(deltas.ofType("new_message").map((d) => d.message.text)).toEqual(["new"]);
  });

  it("drops deliveries duplicated by the server, by seq", async () => {
    const world = await start();
    const { bob, alice, toBob } = await world.pair();
    await world.admin.duplicateDeliveries(3);
    await sendTexts(alice, toBob, ["x", "y", "z", "w"]);
    await bob.deltas.count(4);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(bob.deltas.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it("answers resync_required with the current seq and closes when the position is past retention", async () => {
    const world = await startTiny();
    const { bob } = await offlineBob(world, seventy);
    const socket = await RawStream.open(world.url, { access_token: bob.client.accessToken, last_seq: 1 });
    const error = await socket.next((f) => f.type === "error");
    expect(error).toMatchObject({ code: "resync_required", last_seq: 71 });
    expect(error.first_retained).toBeGreaterThan(2);
    expect((await socket.closed()).code).toBe(4000);
  });

  it("the client resynchronises from a snapshot past retention, emits resync, and continues live from the snapshot's seq", async () => {
    const world = await startTiny();
    const { alice, toBob, saved } = await offlineBob(world, seventy);

    const again = world.track(new MessengerClient(world.url, saved));
    const stream = again.realtime();
    const deltas = new DeltaCollector(stream);
    const resynced = nextEvent(stream, "resync");
    await stream.start();
    const { snapshot, previousSeq, reason } = await resynced;
    expect([previousSeq, reason, snapshot.seq]).toEqual([1, "resync_required", 71]);
    expect(snapshot.threads[0]?.messages.at(-1)?.text).toBe("m69");
    await sendTexts(alice, toBob, ["after resync"]);
    expect((await deltas.next("new_message")).message.text).toBe("after resync");
    expect(deltas.events.map((e) => e.seq)).toEqual([72]);
    expect(again.save().lastSeq).toBe(72);
  });

  it("tells a client naming a position the server never reached to resynchronise", async () => {
    const world = await start();
    const { bob } = await world.pair();
    const socket = await RawStream.open(world.url, { access_token: bob.client.accessToken, last_seq: 500 });
    expect(await socket.next((f) => f.type === "error")).toMatchObject({ code: "resync_required", last_seq: 0 });
    expect((await socket.closed()).code).toBe(4000);
  });

  it("relays typing to the other participants as an ephemeral frame, never into the stream", async () => {
    const world = await start();
    const { bob, alice, toBob } = await world.pair();
    const typing = nextEvent(bob.client.realtime(), "typing");
    await alice.api.typing(toBob, true);
    expect(await typing).toEqual({ thread_id: alice.accountId, user_id: alice.accountId, typing: true });
    expect(bob.deltas.events).toEqual([]);
    expect((await bob.client.api.snapshot()).seq).toBe(0);
  });

  it("refuses an acknowledgement of a position never delivered, and ignores a replayed old one", async () => {
    const world = await start();
    const { bob, alice, toBob } = await world.pair();
    await sendTexts(alice, toBob, ["a"]);
    await bob.deltas.count(1);
    const socket = await RawStream.open(world.url, { access_token: bob.client.accessToken, last_seq: 0 });
    try {
      await socket.next((f) => f.type === "delta");
      socket.send({ type: "ack", seq: 9 });
      expect(await socket.next((f) => f.type === "error")).toMatchObject({ code: "ack_out_of_range" });
      const seen = socket.frames.length;
      socket.send({ type: "ack", seq: 1 });
      socket.send({ type: "ack", seq: 0 });
      socket.send({ type: "ping", id: "after" });
      expect(await socket.next((f) => f.type === "pong" || f.type === "error", seen)).toEqual({ type: "pong", id: "after" });
    } finally {
      socket.close();
    }
  });
});
