/**
 * The client's half of the delivery rule: a delta is acknowledged, and the stream position moves
 * past it, only once its listeners finished; a listener that refuses one gets it again after a
 * reconnect, followed by everything after it, and nothing is lost.
 */
import { describe, expect, it } from "@jest/globals";
import { MessengerClient, type DeltaEvent } from "../../../src/simnet/messenger/client/index.js";
import { FAST_RETRY, nextEvent, RawStream, sendTexts, useMessenger } from "./harness.js";

const start = useMessenger();

const textOf = (event: DeltaEvent) => (event.delta.type === "new_message" ? event.delta.message.text : undefined);

function waitUntil(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (condition()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(check, 5);
    };
    check();
  });
}

describe("messenger realtime delivery", () => {
  it("hands a refused delta over again after reconnecting, with everything after it, and loses nothing", async () => {
    const world = await start();
    const bob = await world.user("Bob");
    const alice = await world.login(await world.user("Alice"));
    const client = await world.login(bob, FAST_RETRY);
    const stream = client.realtime();
    const offered: string[] = [];
    const handled: string[] = [];
    let refused = false;
    stream.on("delta", async (event) => {
      const text = textOf(event) ?? "";
      offered.push(text);
      await new Promise((resolve) => setTimeout(resolve, 2));
      if (text === "2" && !refused) {
        refused = true;
        throw new Error("the bridge's homeserver is down");
      }
      handled.push(text);
    });
    const errors: Error[] = [];
    stream.on("error", (error) => errors.push(error));
    await stream.start();
    const reconnected = nextEvent(stream, "connected");
    await sendTexts(alice, bob.account.id, ["1", "2", "3", "4"]);
    expect((await reconnected).resume_from).toBe(1);
    await waitUntil(() => handled.length === 4, "four handled deltas");
    expect(handled).toEqual(["1", "2", "3", "4"]);
    expect(offered.slice(0, 3)).toEqual(["1", "2", "2"]);
    expect(errors.map((e) => e.message)).toContain("the bridge's homeserver is down");
    await waitUntil(() => client.save().lastSeq === 4, "position 4");
  });

  it("acknowledges a delta only after its listener finished, and not at all while it runs", async () => {
    const world = await start();
    const bob = await world.user("Bob");
    const alice = await world.login(await world.user("Alice"));
    const client = await world.login(bob, FAST_RETRY);
    const stream = client.realtime();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let reached: () => void = () => {};
    const reachedTwo = new Promise<void>((resolve) => (reached = resolve));
    stream.on("delta", async (event) => {
      if (textOf(event) !== "2") return;
      reached();
      await held;
    });
    await stream.start();
    await sendTexts(alice, bob.account.id, ["1", "2", "3"]);
    await reachedTwo;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(client.save().lastSeq).toBe(1);
    // Closing finishes the delta in progress and leaves the one queued behind it unacknowledged.
    const closing = client.close();
    release();
    await closing;
    expect(client.save().lastSeq).toBe(2);
    // The server's own record: a connect without last_seq resumes after the acknowledged position.
    const socket = await RawStream.open(world.url, { access_token: client.accessToken });
    try {
      expect(await socket.next((f) => f.type === "connected")).toMatchObject({ resume_from: 2, last_seq: 3 });
      expect(await socket.next((f) => f.type === "delta")).toMatchObject({ seq: 3, delta: { message: { text: "3" } } });
    } finally {
      socket.close();
    }
  });

  it("does not move past a resync until its listeners accepted the snapshot", async () => {
    const world = await start();
    const { bob } = await world.pair(FAST_RETRY);
    const saved = { ...bob.client.save(), lastSeq: 500 };
    const again = world.track(new MessengerClient(world.url, saved, FAST_RETRY));
    const stream = again.realtime();
    let tries = 0;
    stream.on("resync", async () => {
      tries += 1;
      if (tries === 1) throw new Error("not now");
    });
    await stream.start();
    expect(tries).toBe(2);
    expect(again.save().lastSeq).toBe(0);
  });
});
