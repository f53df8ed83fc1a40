/**
 * The delivery rule of the realtime client: a patch counts as processed, is acked and moves the
 * resume position only once every `update` listener finished; a listener that rejects makes the
 * client drop the connection and resume from the last processed position, so the refused patch
 * and everything after it come again, in order, and nothing is lost across a new connection.
 */
import { describe, expect, it } from "@jest/globals";
import type { PositionedEvent } from "../../../src/simnet/instagram/client/events.js";
import { Harness, sleep } from "./harness.js";

const textOf = (event: PositionedEvent) => (event.type === "item" ? event.item.text : undefined);

describe("instagram realtime delivery", () => {
  it("redelivers a patch whose listener rejected, with everything after it, in order", async () => {
    const h = await Harness.start();
    const { alice, bob, thread_id } = await h.pair();
    const realtime = h.track(bob.realtime({ reconnectInitialMs: 20, reconnectMaxMs: 200, ackDelayMs: 10 }));
    const offered: string[] = [];
    const handled: string[] = [];
    let refused = false;
    realtime.on("update", async (event) => {
      const text = textOf(event);
      if (text === undefined) return;
      offered.push(text);
      await sleep(5);
      if (text === "2" && !refused) {
        refused = true;
        throw new Error("the homeserver is down");
      }
      handled.push(text);
    });
    let disconnects = 0;
    realtime.on("disconnected", () => (disconnects += 1));
    await realtime.start();
    for (const text of ["1", "2", "3", "4", "5"]) await alice.sendText(thread_id, text);
    for (let i = 0; i < 200 && handled.length < 5; i++) await sleep(10);
    expect(handled).toEqual(["1", "2", "3", "4", "5"]);
    expect(offered.slice(0, 2)).toEqual(["1", "2"]);
    expect(offered.filter((t) => t === "2")).toHaveLength(2);
    expect(disconnects).toBeGreaterThanOrEqual(1);
  });

  it("does not ack a patch before its listener finished, so a new connection gets it again", async () => {
    const h = await Harness.start();
    const { alice, bob, thread_id } = await h.pair();
    const first = bob.realtime({ fromLastAck: true, ackDelayMs: 10 });
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let reached: () => void = () => {};
    const reachedTwo = new Promise<void>((resolve) => (reached = resolve));
    const handled: string[] = [];
    first.on("update", async (event) => {
      const text = textOf(event);
      if (text === "2") {
        reached();
        await held;
      }
      if (text !== undefined) handled.push(text);
    });
    await first.start();
    for (const text of ["1", "2", "3"]) await alice.sendText(thread_id, text);
    await reachedTwo;
    const closing = first.close();
    release();
    await closing;
    expect(handled).toEqual(["1", "2"]);
    // Resuming from the session's last ack: exactly what was not processed.
    const second = h.track(bob.realtime({ fromLastAck: true, ackDelayMs: 10 }));
    const again: string[] = [];
    second.on("update", (event) => {
      const text = textOf(event);
      if (text !== undefined) again.push(text);
    });
    await second.start();
    for (let i = 0; i < 100 && again.length < 1; i++) await sleep(10);
    await sleep(50);
    expect(again).toEqual(["3"]);
  });

  it("moves past a resync only once its listeners finished reconciling", async () => {
    const h = await Harness.start((await import("./harness.js")).testNetwork({ retention: { maxEventsPerStream: 5 } }));
    const { alice, bob, thread_id } = await h.pair();
    for (let i = 0; i < 70; i++) await alice.sendText(thread_id, `missed ${i}`);
    const realtime = h.track(bob.realtime({ seqId: 1, reconnectInitialMs: 20 }));
    let attempts = 0;
    realtime.on("resync", async () => {
      attempts += 1;
      if (attempts === 1) throw new Error("not now");
    });
    await realtime.start();
    expect(attempts).toBe(2);
    expect(realtime.seqId).toBe(71);
  });
});
