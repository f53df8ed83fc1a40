import { afterEach, describe, expect, it } from "@jest/globals";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSimnetDatabase, type SimnetDatabase } from "../../../src/simnet/core/database.js";
import { eventStreamSchema, EventStreams, type StreamEvent } from "../../../src/simnet/core/event-stream.js";

const dirs: string[] = [];
const dbs: SimnetDatabase[] = [];
afterEach(() => {
  dbs.splice(0).forEach((db) => db.open && db.close());
  dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

function open(path = ":memory:", retention = { maxEventsPerStream: 10_000, maxAgeMs: 86_400_000 }, now = Date.now) {
  const db = openSimnetDatabase(path, [eventStreamSchema]);
  dbs.push(db);
  return { db, streams: new EventStreams(db, retention, now) };
}

const seqs = (events: StreamEvent[]) => events.map((e) => e.seq);

describe("simnet event streams", () => {
  it("numbers each stream's events from 1, independently of other streams", () => {
    const { streams } = open();
    expect(streams.append("acct:1", "message", { text: "a" }).seq).toBe(1);
    expect(streams.append("acct:1", "message", { text: "b" }).seq).toBe(2);
    expect(streams.append("acct:2", "message", { text: "c" }).seq).toBe(1);
    expect(streams.latest("acct:1")).toBe(2);
    expect(streams.latest("acct:3")).toBe(0);
  });

  it("resumes after a position with exactly the events that followed it, in order", () => {
    const { streams } = open();
    for (let i = 0; i < 5; i++) streams.append("s", "message", { i });
    const result = streams.resume("s", 2);
    expect(result.ok && seqs(result.events)).toEqual([3, 4, 5]);
    expect(result.ok && result.events.map((e) => e.payload)).toEqual([{ i: 2 }, { i: 3 }, { i: 4 }]);
    const none = streams.resume("s", 5);
    expect(none.ok && none.events).toEqual([]);
  });

  it("answers 'resynchronise' for a position older than what is retained", () => {
    const { streams } = open(":memory:", { maxEventsPerStream: 10, maxAgeMs: 86_400_000 });
    for (let i = 0; i < 128; i++) streams.append("s", "message", { i });
    const stale = streams.resume("s", 3);
    expect(stale).toEqual({ ok: false, firstRetained: 119, latest: 128 });
    const fresh = streams.resume("s", 120);
    expect(fresh.ok && seqs(fresh.events)).toEqual([121, 122, 123, 124, 125, 126, 127, 128]);
  });

  it("answers 'resynchronise' for a position the stream never reached", () => {
    const { streams } = open();
    streams.append("s", "message", {});
    expect(streams.resume("s", 9)).toEqual({ ok: false, firstRetained: 1, latest: 1 });
    expect(streams.resume("unknown", 4)).toEqual({ ok: false, firstRetained: 1, latest: 0 });
  });

  it("prunes events past the age limit and keeps numbering where it was", () => {
    let clock = 1_000_000;
    const { streams } = open(":memory:", { maxEventsPerStream: 10_000, maxAgeMs: 1000 }, () => clock);
    streams.append("s", "message", {});
    streams.append("s", "message", {});
    clock += 5000;
    expect(streams.pruneExpired()).toBe(2);
    expect(streams.resume("s", 0)).toEqual({ ok: false, firstRetained: 3, latest: 2 });
    expect(streams.resume("s", 2)).toEqual({ ok: true, events: [] });
    expect(streams.append("s", "message", {}).seq).toBe(3);
  });

  it("tells live listeners about an event only after its transaction commits", () => {
    const { streams } = open();
    const heard: number[] = [];
    streams.subscribe("s", (event) => heard.push(event.seq));
    streams.transaction(() => {
      streams.append("s", "message", {});
      expect(heard).toEqual([]);
    });
    expect(heard).toEqual([1]);
  });

  it("forgets events of a rolled-back transaction, for listeners and storage alike", () => {
    const { streams } = open();
    const heard: number[] = [];
    streams.subscribe("s", (event) => heard.push(event.seq));
    expect(() =>
      streams.transaction(() => {
        streams.append("s", "message", {});
        throw new Error("rule violated");
      }),
    ).toThrow("rule violated");
    expect(heard).toEqual([]);
    expect(streams.latest("s")).toBe(0);
    expect(streams.append("s", "message", {}).seq).toBe(1);
  });

  it("stops telling a listener once it unsubscribes", () => {
    const { streams } = open();
    const heard: number[] = [];
    const unsubscribe = streams.subscribe("s", (event) => heard.push(event.seq));
    streams.append("s", "message", {});
    unsubscribe();
    streams.append("s", "message", {});
    expect(heard).toEqual([1]);
  });

  it("keeps streams and positions across a restart of the server's database", () => {
    const dir = mkdtempSync(join(tmpdir(), "simnet-"));
    dirs.push(dir);
    const path = join(dir, "net.db");
    const first = open(path);
    first.streams.append("s", "message", { text: "before restart" });
    first.db.close();
    const second = open(path);
    expect(second.streams.append("s", "message", {}).seq).toBe(2);
    const all = second.streams.resume("s", 0);
    expect(all.ok && all.events[0]?.payload).toEqual({ text: "before restart" });
  });

  it("refuses a database written by a newer simnet", () => {
    const dir = mkdtempSync(join(tmpdir(), "simnet-"));
    dirs.push(dir);
    const path = join(dir, "net.db");
    const db = openSimnetDatabase(path, [eventStreamSchema, () => undefined]);
    db.close();
    expect(() => openSimnetDatabase(path, [eventStreamSchema])).toThrow(/newer simnet \(schema 2, this one knows 1\)/);
  });
});
