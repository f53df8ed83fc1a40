import { describe, expect, it } from "@jest/globals";
import { openSimnetDatabase } from "../../../src/simnet/core/database.js";
import { eventStreamSchema, EventStreams } from "../../../src/simnet/core/event-stream.js";
import { GroupCommit } from "../../../src/simnet/core/group-commit.js";
import { badRequest } from "../../../src/simnet/core/protocol-error.js";
import { TokenBuckets } from "../../../src/simnet/core/token-bucket.js";

describe("token buckets", () => {
  it("allows a burst of `capacity`, then refills evenly and says when the next token comes", () => {
    let now = 0;
    const buckets = new TokenBuckets(2, 1000, () => now);
    expect([buckets.take("a").ok, buckets.take("a").ok]).toEqual([true, true]);
    expect(buckets.take("a")).toEqual({ ok: false, retryAfterMs: 500 });
    now = 500;
    expect(buckets.take("a").ok).toBe(true);
    expect(buckets.take("b").ok).toBe(true);
  });

  it("lets `check` look without spending", () => {
    const buckets = new TokenBuckets(1, 1000, () => 0);
    expect(buckets.check("a").ok).toBe(true);
    expect(buckets.check("a").ok).toBe(true);
    buckets.take("a");
    expect(buckets.check("a").ok).toBe(false);
  });
});

describe("group commit", () => {
  function setup() {
    const db = openSimnetDatabase(":memory:", [eventStreamSchema, (d) => d.exec("CREATE TABLE t (v TEXT)")]);
    const streams = new EventStreams(db, { maxEventsPerStream: 1000, maxAgeMs: 1e9 });
    const insert = db.prepare<[string]>("INSERT INTO t (v) VALUES (?)");
    const rows = () => db.prepare<[], { v: string }>("SELECT v FROM t ORDER BY v").all().map((r) => r.v);
    return { commits: new GroupCommit(db, streams), streams, insert, rows };
  }

  it("commits the work queued in one turn together and answers each caller with its own result", async () => {
    const { commits, streams, insert, rows } = setup();
    const seen: number[] = [];
    streams.subscribe("s", (event) => seen.push(event.seq));
    const results = await Promise.all(
      ["a", "b", "c"].map((v) =>
        commits.run(() => {
          insert.run(v);
          return streams.append("s", "m", { v }).seq;
        }),
      ),
    );
    expect(results).toEqual([1, 2, 3]);
    expect(rows()).toEqual(["a", "b", "c"]);
    expect(seen).toEqual([1, 2, 3]);
  });

  it("rolls back only the work that refused, and rejects only its caller", async () => {
    const { commits, insert, rows } = setup();
    const outcomes = await Promise.allSettled([
      commits.run(() => insert.run("kept")),
      commits.run(() => {
        insert.run("undone");
        throw badRequest("refused", "no");
      }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected"]);
    expect(rows()).toEqual(["kept"]);
  });

  it("rolls back the whole batch when a piece fails for a reason other than a refusal", async () => {
    const { commits, insert, rows } = setup();
    const outcomes = await Promise.allSettled([
      commits.run(() => insert.run("first")),
      commits.run(() => {
        throw new Error("disk full");
      }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
    expect(rows()).toEqual([]);
  });
});
