import { describe, expect, it } from "@jest/globals";
import { PACE_SHARE, Pacer, pacingLimits } from "../../../src/core/pacing.js";
import { NetworkError } from "../../../src/network/index.js";

describe("Pacer", () => {
  it("lets a burst as large as the per-minute limit go at once, then one call per share of the minute, a little under the limit", () => {
    let now = 0;
    const pacer = new Pacer(() => now);
    for (let i = 0; i < 30; i++) expect(pacer.take("alice", 30)).toBe(0);
    // 30 a minute is a token every 2 s; the bridge keeps a margin below that.
    const interval = Math.ceil(2_000 / PACE_SHARE);
    expect(PACE_SHARE).toBeLessThan(1);
    expect(pacer.take("alice", 30)).toBe(interval);
    now = 1_500;
    expect(pacer.take("alice", 30)).toBe(interval - 1_500);
    now = interval;
    expect(pacer.take("alice", 30)).toBe(0);
    // The token was taken a fraction of a millisecond after it filled; that much is already back.
    expect(pacer.take("alice", 30)).toBeGreaterThanOrEqual(interval - 1);
    expect(pacer.take("alice", 30)).toBeLessThanOrEqual(interval);
  });

  it("keeps each account's allowance apart", () => {
    const pacer = new Pacer(() => 0);
    expect(pacer.take("alice", 1)).toBe(0);
    expect(pacer.take("alice", 1)).toBe(Math.ceil(60_000 / PACE_SHARE));
    expect(pacer.take("bob", 1)).toBe(0);
  });

  it("refills no further than the limit after a quiet spell", () => {
    let now = 0;
    const pacer = new Pacer(() => now);
    pacer.take("alice", 2);
    now = 3_600_000;
    expect(pacer.take("alice", 2)).toBe(0);
    expect(pacer.take("alice", 2)).toBe(0);
    expect(pacer.take("alice", 2)).toBeGreaterThan(0);
  });

  it("does not pace at a limit of 0", () => {
    const pacer = new Pacer(() => 0);
    for (let i = 0; i < 1000; i++) expect(pacer.take("alice", 0)).toBe(0);
  });

  it("answers a call that must wait with the rate limit the network would have sent, and paces sends and actions apart", () => {
    const pacer = new Pacer(() => 0);
    const limits = { sendsPerMinute: 1, actionsPerMinute: 2 };
    pacer.check("7", "send", limits, "instagram");
    let thrown: unknown;
    try {
      pacer.check("7", "send", limits, "instagram");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(NetworkError);
    expect(thrown).toMatchObject({ code: "rate_limited", retryAfterMs: Math.ceil(60_000 / PACE_SHARE) });
    expect(() => pacer.check("7", "action", limits, "instagram")).not.toThrow();
  });
});

describe("pacingLimits", () => {
  const published = { pacing: { sendsPerMinute: 30, actionsPerMinute: 60 } };

  it("takes the network's published limits when the config sets none", () => {
    expect(pacingLimits({}, published)).toEqual({ sendsPerMinute: 30, actionsPerMinute: 60 });
  });

  it("lets the config change each limit, 0 turning pacing off", () => {
    expect(pacingLimits({ sends_per_minute: 10 }, published)).toEqual({ sendsPerMinute: 10, actionsPerMinute: 60 });
    expect(pacingLimits({ sends_per_minute: 0, actions_per_minute: 0 }, published)).toEqual({ sendsPerMinute: 0, actionsPerMinute: 0 });
  });

  it("does not pace a network that publishes no limits unless the config asks", () => {
    expect(pacingLimits({}, {})).toEqual({ sendsPerMinute: 0, actionsPerMinute: 0 });
    expect(pacingLimits({ actions_per_minute: 5 }, undefined)).toEqual({ sendsPerMinute: 0, actionsPerMinute: 5 });
  });
});
