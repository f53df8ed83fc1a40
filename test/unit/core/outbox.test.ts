import { afterEach, describe, expect, it } from "@jest/globals";
import { Outbox, type OutboxHandlers } from "../../../src/core/outbox.js";
import { KeyedSerialQueue } from "../../../src/core/serial-queue.js";
import type { MatrixEvent } from "../../../src/matrix/events.js";
import { NetworkError } from "../../../src/network/index.js";
import { openDatabase, type Storage } from "../../../src/storage/index.js";
import { silentLogger } from "../storage/helpers.js";

const open: { storage: Storage; outbox?: Outbox }[] = [];
afterEach(() => {
  for (const { storage, outbox } of open.splice(0)) {
    outbox?.stop();
    storage.close();
  }
});

const event = (n: number): MatrixEvent => ({ event_id: `$e${n}`, room_id: "!room:example.org", sender: "@alice:example.org", type: "m.room.message", origin_server_ts: n, content: { body: `m${n}` } });

/** A portal in a fresh database, and an outbox whose network is `attempt`. */
function setUp(attempt: OutboxHandlers["attempt"], storage = openDatabase(":memory:", { logger: silentLogger() })) {
  const portal = storage.portals.ensure({ network: "instagram", chatId: "t1", receiver: "" }, "group");
  const said: { kind: "failed" | "waiting"; event: string; detail: unknown }[] = [];
  const outbox = new Outbox({
    store: storage.outbox,
    queue: new KeyedSerialQueue(),
    queueKey: (portalId) => `portal:${portalId}`,
    logger: silentLogger(),
    policy: { attempts: 3, initialMs: 5, maxMs: 20 },
    announceAfterMs: 50,
    handlers: {
      attempt,
      failed: async (_portal, e, error) => void said.push({ kind: "failed", event: e.event_id, detail: (error as Error).message }),
      waiting: async (_portal, e, wait) => void said.push({ kind: "waiting", event: e.event_id, detail: wait }),
    },
  });
  open.push({ storage, outbox });
  outbox.resume();
  return { storage, outbox, portal, said };
}

const until = async (done: () => boolean, what: string, timeoutMs = 3_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe("Outbox", () => {
  it("stores what it is given while not started, and tries none of it until resumed (the logins may not be up yet)", async () => {
    const tried: string[] = [];
    const { storage, outbox, portal } = setUp(async (_portal, e) => void tried.push(e.event_id));
    outbox.stop();
    outbox.enqueue(portal.id, event(1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(tried).toEqual([]);
    expect(storage.outbox.size()).toBe(1);
    outbox.resume();
    await until(() => tried.length === 1, "the event, once started");
  });

  it("does a portal's events on the network one at a time, in the order they came, and forgets them once done", async () => {
    const done: string[] = [];
    let running = 0;
    const { storage, outbox, portal } = setUp(async (_portal, e) => {
      running += 1;
      expect(running).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 2));
      done.push(e.event_id);
      running -= 1;
    });
    for (let n = 1; n <= 5; n++) outbox.enqueue(portal.id, event(n));
    await until(() => done.length === 5, "five events");
    expect(done).toEqual(["$e1", "$e2", "$e3", "$e4", "$e5"]);
    expect(storage.outbox.size()).toBe(0);
  });

  it("queues an event the homeserver sends twice only once", async () => {
    const done: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { outbox, portal } = setUp(async (_portal, e) => {
      await gate;
      done.push(e.event_id);
    });
    expect(outbox.enqueue(portal.id, event(1))).toBe(true);
    expect(outbox.enqueue(portal.id, event(2))).toBe(true);
    expect(outbox.enqueue(portal.id, event(2))).toBe(false);
    release();
    await until(() => done.length === 2, "two events");
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toEqual(["$e1", "$e2"]);
  });

  it("waits out a rate limit however often it comes, keeps the order, and tells the sender once for the whole backlog", async () => {
    const done: string[] = [];
    let refusals = 0;
    const { outbox, portal, said } = setUp(async (_portal, e) => {
      if (refusals < 6) {
        refusals += 1;
        throw new NetworkError("rate_limited", "feedback_required", { retryAfterMs: 15 });
      }
      done.push(e.event_id);
    });
    for (let n = 1; n <= 3; n++) outbox.enqueue(portal.id, event(n));
    await until(() => done.length === 3, "three events");
    expect(done).toEqual(["$e1", "$e2", "$e3"]);
    // Six refusals are more than the policy's three attempts: a rate limit is not a failure.
    expect(said.filter((s) => s.kind === "failed")).toEqual([]);
    expect(said.filter((s) => s.kind === "waiting")).toEqual([{ kind: "waiting", event: "$e1", detail: { waitMs: 15, rateLimited: true } }]);
  });

  it("does not count rate limits against the attempts a transient failure gets", async () => {
    const done: string[] = [];
    let calls = 0;
    const { outbox, portal, said } = setUp(async (_portal, e) => {
      calls += 1;
      if (calls <= 5) throw new NetworkError("rate_limited", "slow down", { retryAfterMs: 2 });
      if (calls <= 7) throw new NetworkError("transient", "reset");
      done.push(e.event_id);
    });
    outbox.enqueue(portal.id, event(1));
    await until(() => done.length === 1, "the event after five rate limits and two failures");
    expect(said.filter((s) => s.kind === "failed")).toEqual([]);
  });

  it("gives up on a transient failure after the policy's attempts, tells the sender, and goes on with the next event", async () => {
    const done: string[] = [];
    const { outbox, portal, said } = setUp(async (_portal, e) => {
      if (e.event_id === "$e1") throw new NetworkError("transient", "unreachable");
      done.push(e.event_id);
    });
    outbox.enqueue(portal.id, event(1));
    outbox.enqueue(portal.id, event(2));
    await until(() => done.length === 1, "the second event");
    expect(said.filter((s) => s.kind === "failed")).toEqual([{ kind: "failed", event: "$e1", detail: "unreachable" }]);
  });

  it("reports a final refusal at once, without retrying", async () => {
    let calls = 0;
    const { outbox, portal, said } = setUp(async () => {
      calls += 1;
      throw new NetworkError("window_expired", "too late");
    });
    outbox.enqueue(portal.id, event(1));
    await until(() => said.length === 1, "the refusal");
    expect(calls).toBe(1);
    expect(said[0]).toMatchObject({ kind: "failed", detail: "too late" });
  });

  it("keeps what was not sent across a stop and sends it after the next start, in order", async () => {
    const storage = openDatabase(":memory:", { logger: silentLogger() });
    const sent: string[] = [];
    let networkUp = false;
    const first = setUp(async (_portal, e) => {
      if (!networkUp) throw new NetworkError("rate_limited", "slow down", { retryAfterMs: 60_000 });
      sent.push(e.event_id);
    }, storage);
    first.outbox.enqueue(first.portal.id, event(1));
    first.outbox.enqueue(first.portal.id, event(2));
    await until(() => first.said.length === 1, "the waiting notice");
    first.outbox.stop();
    expect(storage.outbox.size()).toBe(2);

    networkUp = true;
    const second = new Outbox({
      store: storage.outbox,
      queue: new KeyedSerialQueue(),
      queueKey: (portalId) => `portal:${portalId}`,
      logger: silentLogger(),
      handlers: {
        attempt: async (_portal, e) => void sent.push(e.event_id),
        failed: async () => undefined,
        waiting: async () => undefined,
      },
    });
    open.push({ storage, outbox: second });
    second.resume();
    await until(() => sent.length === 2, "the stored events");
    expect(sent).toEqual(["$e1", "$e2"]);
    expect(storage.outbox.size()).toBe(0);
  });

  it("lets other portals go on while one waits for its network", async () => {
    const sent: string[] = [];
    const { storage, outbox, portal } = setUp(async (portalId, e) => {
      if (portalId === portal.id) throw new NetworkError("rate_limited", "slow down", { retryAfterMs: 60_000 });
      sent.push(e.event_id);
    });
    const other = storage.portals.ensure({ network: "messenger", chatId: "t2", receiver: "" }, "group");
    outbox.enqueue(portal.id, event(1));
    outbox.enqueue(other.id, event(2));
    await until(() => sent.length === 1, "the other portal's event");
    expect(sent).toEqual(["$e2"]);
  });
});
