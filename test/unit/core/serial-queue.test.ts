import { describe, expect, it } from "@jest/globals";
import { KeyedSerialQueue } from "../../../src/core/serial-queue.js";

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("KeyedSerialQueue", () => {
  it("runs tasks with the same key one at a time, in the order they were queued", async () => {
    const queue = new KeyedSerialQueue();
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
    };
    await Promise.all([queue.run("room", task("a")), queue.run("room", task("b")), queue.run("room", task("c"))]);
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });

  it("runs tasks with different keys in parallel, so one slow room does not hold up another", async () => {
    const queue = new KeyedSerialQueue();
    const log: string[] = [];
    let releaseSlow: () => void = () => {};
    const slow = queue.run("slow", () => new Promise<void>((resolve) => (releaseSlow = resolve)).then(() => log.push("slow done")));
    await queue.run("fast", async () => log.push("fast done"));
    expect(log).toEqual(["fast done"]);
    releaseSlow();
    await slow;
    expect(log).toEqual(["fast done", "slow done"]);
  });

  it("keeps going after a failed task and hands the failure to its caller only", async () => {
    const queue = new KeyedSerialQueue();
    const failing = queue.run("room", async () => {
      throw new Error("boom");
    });
    const next = queue.run("room", async () => "still runs");
    await expect(failing).rejects.toThrow("boom");
    await expect(next).resolves.toBe("still runs");
  });

  it("forgets keys once their tasks are done and reports idle", async () => {
    const queue = new KeyedSerialQueue();
    await Promise.all([queue.run("a", tick), queue.run("b", tick)]);
    await queue.idle();
    await tick();
    expect(queue.activeKeys).toBe(0);
  });
});
