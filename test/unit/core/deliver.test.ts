import { describe, expect, it } from "@jest/globals";
import { describeRefusal, retryDecision, UNNAMED_RATE_LIMIT_WAIT_MS } from "../../../src/core/deliver.js";
import { NetworkError } from "../../../src/network/index.js";

const policy = { attempts: 3, initialMs: 100, maxMs: 1_000 };
/** Stands in for HomeserverError, whose `permanent` says whether a retry can help. */
const homeserverFailure = (permanent: boolean) => Object.assign(new Error("homeserver"), { permanent });

describe("retryDecision", () => {
  it("waits as long as a rate limit asks, however many attempts came before", () => {
    const limited = new NetworkError("rate_limited", "slow down", { retryAfterMs: 42_000 });
    expect(retryDecision(limited, 1, policy)).toEqual({ waitMs: 42_000, rateLimited: true });
    expect(retryDecision(limited, 500, policy)).toEqual({ waitMs: 42_000, rateLimited: true });
  });

  it("waits a fixed while for a rate limit that names no wait, however many came before", () => {
    for (const attempts of [1, 50]) {
      expect(retryDecision(new NetworkError("rate_limited", "slow down"), attempts, policy)).toEqual({ waitMs: UNNAMED_RATE_LIMIT_WAIT_MS, rateLimited: true });
    }
  });

  it("retries transient network failures with growing, capped, jittered waits until the attempts run out", () => {
    const down = new NetworkError("transient", "connection reset");
    const first = retryDecision(down, 1, policy);
    const second = retryDecision(down, 2, policy);
    expect(first).toMatchObject({ rateLimited: false });
    expect(first!.waitMs).toBeGreaterThanOrEqual(50);
    expect(first!.waitMs).toBeLessThanOrEqual(100);
    expect(second!.waitMs).toBeGreaterThanOrEqual(100);
    expect(second!.waitMs).toBeLessThanOrEqual(200);
    expect(retryDecision(down, 3, policy)).toBeUndefined();
    expect(retryDecision(down, 2, { ...policy, initialMs: 10_000 })!.waitMs).toBeLessThanOrEqual(1_000);
  });

  it("retries a homeserver that is briefly away, but not one that refused", () => {
    expect(retryDecision(homeserverFailure(false), 1, policy)).toMatchObject({ rateLimited: false });
    expect(retryDecision(homeserverFailure(true), 1, policy)).toBeUndefined();
  });

  it("treats refusals and programming errors as final", () => {
    for (const code of ["window_expired", "forbidden", "invalid", "unsupported", "too_large", "not_found", "logged_out"] as const) {
      expect(retryDecision(new NetworkError(code, "no"), 1, policy)).toBeUndefined();
    }
    expect(retryDecision(new TypeError("x is undefined"), 1, policy)).toBeUndefined();
  });
});

describe("describeRefusal", () => {
  it("puts the network's reason in one sentence a user can act on", () => {
    expect(describeRefusal(new NetworkError("too_large", "16 MB max"), "WhatsApp")).toBe("It is too large for WhatsApp: 16 MB max");
    expect(describeRefusal(new NetworkError("logged_out", "x"), "WhatsApp")).toContain("log in again");
    expect(describeRefusal(new NetworkError("transient", "reset"), "WhatsApp")).toContain("a minute or two");
    expect(describeRefusal(new Error("ECONNREFUSED"), "WhatsApp")).toBe("WhatsApp could not be reached (ECONNREFUSED).");
  });
});
