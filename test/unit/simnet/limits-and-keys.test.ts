import { describe, expect, it } from "@jest/globals";
import { ackSchema, AckLedger } from "../../../src/simnet/core/acks.js";
import { openSimnetDatabase } from "../../../src/simnet/core/database.js";
import { idempotencySchema, IdempotencyKeys } from "../../../src/simnet/core/idempotency.js";
import { ProtocolError } from "../../../src/simnet/core/protocol-error.js";
import { RateLimiter } from "../../../src/simnet/core/rate-limit.js";

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    return error instanceof ProtocolError ? error.code : "not-a-protocol-error";
  }
  return undefined;
}

describe("rate limits", () => {
  it("allows `limit` actions per window per key and says how long to wait after that", () => {
    let now = 0;
    const limiter = new RateLimiter({ limit: 3, windowMs: 1000 }, () => now);
    expect([limiter.take("a"), limiter.take("a"), limiter.take("a")].every((d) => d.ok)).toBe(true);
    now = 400;
    expect(limiter.take("a")).toEqual({ ok: false, retryAfterMs: 600 });
    expect(limiter.take("b").ok).toBe(true);
    now = 1001;
    expect(limiter.take("a").ok).toBe(true);
  });

  it("forgets a key's history on reset", () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 1000 }, () => 0);
    limiter.take("a");
    limiter.reset("a");
    expect(limiter.take("a").ok).toBe(true);
  });
});

describe("idempotency keys", () => {
  const open = () => new IdempotencyKeys(openSimnetDatabase(":memory:", [idempotencySchema]), () => 0);

  it("does the work once per (scope, key) and answers a retry with the first result", () => {
    const keys = open();
    let runs = 0;
    const work = () => ({ id: `msg-${++runs}` });
    expect(keys.once("alice", "k1", work)).toEqual({ result: { id: "msg-1" }, replayed: false });
    expect(keys.once("alice", "k1", work)).toEqual({ result: { id: "msg-1" }, replayed: true });
    expect(keys.once("bob", "k1", work)).toEqual({ result: { id: "msg-2" }, replayed: false });
    expect(runs).toBe(2);
  });

  it("always does the work when there is no key", () => {
    const keys = open();
    let runs = 0;
    keys.once("alice", undefined, () => ++runs);
    keys.once("alice", undefined, () => ++runs);
    expect(runs).toBe(2);
  });
});

describe("acknowledgements", () => {
  const open = () => new AckLedger(openSimnetDatabase(":memory:", [ackSchema]));

  it("advances the position, and treats a replayed older ack as stale without moving back", () => {
    const acks = open();
    expect(acks.ack("s", "device-1", 5, 10)).toBe("advanced");
    expect(acks.ack("s", "device-1", 3, 10)).toBe("stale");
    expect(acks.position("s", "device-1")).toBe(5);
    expect(acks.position("s", "device-2")).toBe(0);
  });

  it("refuses an ack for a position never delivered, or not a whole number", () => {
    const acks = open();
    expect(codeOf(() => acks.ack("s", "d", 11, 10))).toBe("ack_out_of_range");
    expect(codeOf(() => acks.ack("s", "d", 1.5, 10))).toBe("invalid_ack");
    expect(codeOf(() => acks.ack("s", "d", -1, 10))).toBe("invalid_ack");
  });
});
