import { describe, expect, it } from "@jest/globals";
import { describeRefusal, withRetries } from "../../../src/core/deliver.js";
import { NetworkError } from "../../../src/network/index.js";

const fast = { attempts: 3, initialMs: 1, maxMs: 5 };

describe("withRetries", () => {
  it("retries transient failures and returns the first success", async () => {
    let calls = 0;
    const result = await withRetries(async () => {
      calls += 1;
      if (calls < 3) throw new NetworkError("transient", "connection reset");
      return "sent";
    }, fast);
    expect(result).toBe("sent");
    expect(calls).toBe(3);
  });

  it("waits as long as a rate limit asks before trying again", async () => {
    let calls = 0;
    const started = Date.now();
    await withRetries(async () => {
      calls += 1;
      if (calls === 1) throw new NetworkError("rate_limited", "slow down", { retryAfterMs: 30 });
      return "ok";
    }, { attempts: 2, initialMs: 1, maxMs: 100 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it("does not retry a final refusal such as an expired edit window", async () => {
    let calls = 0;
    await expect(
      withRetries(async () => {
        calls += 1;
        throw new NetworkError("window_expired", "too late");
      }, fast),
    ).rejects.toThrow("too late");
    expect(calls).toBe(1);
  });

  it("gives up after the last attempt with the last error", async () => {
    await expect(withRetries(async () => Promise.reject(new NetworkError("transient", "down")), fast)).rejects.toThrow("down");
  });
});

describe("describeRefusal", () => {
  it("names the network and what was wrong for every error code", () => {
    expect(describeRefusal(new NetworkError("too_large", "16 MB max"), "WhatsApp")).toBe("It is too large for WhatsApp: 16 MB max");
    expect(describeRefusal(new NetworkError("logged_out", "x"), "WhatsApp")).toContain("log in again");
    expect(describeRefusal(new Error("ECONNREFUSED"), "WhatsApp")).toBe("WhatsApp could not be reached (ECONNREFUSED).");
  });
});

describe("withRetries announcing waits", () => {
  it("tells the caller how long each wait will be and whether the network asked for it", async () => {
    const waits: [number, boolean][] = [];
    let calls = 0;
    await withRetries(
      async () => {
        calls += 1;
        if (calls === 1) throw new NetworkError("rate_limited", "slow down", { retryAfterMs: 20 });
        if (calls === 2) throw new NetworkError("transient", "reset");
        return "ok";
      },
      { attempts: 3, initialMs: 1, maxMs: 50 },
      (ms, rateLimited) => void waits.push([ms, rateLimited]),
    );
    expect(waits[0]).toEqual([20, true]);
    expect(waits[1]?.[1]).toBe(false);
  });
});
