/**
 * The appservice endpoint over real HTTP on loopback, with the homeserver's side played by
 * fetch: who may push, what is applied once, and what is answered when things go wrong.
 */
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { Writable } from "node:stream";
import { freeLoopbackPort } from "../../../src/devenv/ports.js";
import { createLogging } from "../../../src/logging/logger.js";
import { DurableAppService, type TransactionLog } from "../../../src/matrix/durable-appservice.js";
import type { TransactionKey } from "../../../src/storage/index.js";

const TOKEN = "hs_token_for_the_tests_0123456789";

class MemoryTransactions implements TransactionLog {
  readonly applied = new Set<string>();
  failNextRecord = false;
  isProcessed(key: TransactionKey) {
    return this.applied.has(`${key.txnId}/${key.fingerprint}`);
  }
  markProcessed(key: TransactionKey) {
    if (this.failNextRecord) {
      this.failNextRecord = false;
      throw new Error("disk I/O error");
    }
    this.applied.add(`${key.txnId}/${key.fingerprint}`);
  }
  pruneOlderThan() {
    return 0;
  }
}

let service: DurableAppService;
let transactions: MemoryTransactions;
let base: string;
let seen: string[];
let logLines: string[];

beforeEach(async () => {
  transactions = new MemoryTransactions();
  seen = [];
  logLines = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  service = new DurableAppService({
    homeserverToken: TOKEN,
    transactions,
    logger: createLogging({ level: "debug", format: "json", stream }).root,
  });
  service.on("event", async (event: Record<string, unknown>) => {
    if (event["content"] === "explode") throw new Error("handler bug");
    seen.push(String(event["event_id"]));
  });
  const port = await freeLoopbackPort();
  await service.listen(port, "127.0.0.1", 10);
  service.markReady();
  base = `http://127.0.0.1:${port}`;
});

afterEach(async () => {
  await service.drain();
  await service.close();
});

const event = (id: string, content: unknown = {}) => ({ event_id: id, type: "m.room.message", room_id: "!r:x", sender: "@u:x", content });

/** `token: null` sends no Authorization header at all. */
function push(txnId: string, body: unknown, token: string | null = TOKEN, raw?: string) {
  return fetch(`${base}/_matrix/app/v1/transactions/${txnId}`, {
    method: "PUT",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: raw ?? JSON.stringify(body),
  });
}

describe("the durable appservice endpoint", () => {
  it("turns transactions away with 503 until the bridge behind it is ready, so none is applied too early", async () => {
    const early = new DurableAppService({ homeserverToken: TOKEN, transactions, logger: createLogging({ level: "error", format: "json", stream: new Writable({ write: (_c, _e, done) => done() }) }).root });
    early.on("event", (e: Record<string, unknown>) => void seen.push(String(e["event_id"])));
    const port = await freeLoopbackPort();
    await early.listen(port, "127.0.0.1", 10);
    try {
      const put = () =>
        fetch(`http://127.0.0.1:${port}/_matrix/app/v1/transactions/e1`, { method: "PUT", headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ events: [event("$early")] }) });
      expect((await put()).status).toBe(503);
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(503);
      expect(seen).toEqual([]);
      early.markReady();
      expect((await put()).status).toBe(200);
      expect(seen).toEqual(["$early"]);
    } finally {
      await early.drain();
      await early.close();
    }
  });

  it("refuses transactions without the homeserver's token, and applies nothing", async () => {
    expect((await push("1", { events: [event("$a")] }, null)).status).toBe(403);
    expect((await push("1", { events: [event("$a")] }, "wrong-token")).status).toBe(403);
    expect(seen).toEqual([]);
  });

  it("answers the homeserver's ping (MSC2659), and only the homeserver's", async () => {
    const ping = (token: string) =>
      fetch(`${base}/_matrix/app/v1/ping`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ transaction_id: "t1" }),
      });
    const answered = await ping(TOKEN);
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({});
    expect((await ping("wrong-token")).status).toBe(403);
  });

  it("accepts the token as the deprecated access_token query parameter too", async () => {
    const response = await fetch(`${base}/_matrix/app/v1/transactions/q1?access_token=${TOKEN}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ events: [event("$q")] }),
    });
    expect(response.status).toBe(200);
    expect(seen).toEqual(["$q"]);
  });

  it("hands every event to the handlers, in order, before answering", async () => {
    expect((await push("1", { events: [event("$a"), event("$b"), event("$c")] })).status).toBe(200);
    expect(seen).toEqual(["$a", "$b", "$c"]);
  });

  it("acknowledges a retried transaction without applying it again", async () => {
    await push("7", { events: [event("$a")] });
    expect((await push("7", { events: [event("$a")] })).status).toBe(200);
    expect(seen).toEqual(["$a"]);
  });

  it("applies a reused transaction id that carries different events", async () => {
    await push("1", { events: [event("$before-restart")] });
    await push("1", { events: [event("$after-restart")] });
    expect(seen).toEqual(["$before-restart", "$after-restart"]);
  });

  it("logs and skips an event whose handler fails, and still acknowledges the rest", async () => {
    expect((await push("2", { events: [event("$x", "explode"), event("$y")] })).status).toBe(200);
    expect(seen).toEqual(["$y"]);
    expect(logLines.join("")).toContain("An event handler failed; the event is skipped");
  });

  it("answers 500 when the transaction cannot be recorded, so the homeserver retries it", async () => {
    transactions.failNextRecord = true;
    expect((await push("3", { events: [event("$a")] })).status).toBe(500);
    expect((await push("3", { events: [event("$a")] })).status).toBe(200);
    // At least once: the retry applies the events again rather than losing them.
    expect(seen).toEqual(["$a", "$a"]);
  });

  it("answers a body that is not JSON with a JSON error and keeps serving", async () => {
    const response = await push("4", undefined, TOKEN, "{not json");
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errcode: string }).errcode).toBe("M_NOT_JSON");
    expect((await push("5", { events: [event("$ok")] })).status).toBe(200);
    expect(seen).toEqual(["$ok"]);
  });

  it("ignores entries of a transaction that are not events", async () => {
    expect((await push("6", { events: [null, 42, "text", event("$real")] })).status).toBe(200);
    expect(seen).toEqual(["$real"]);
  });

  it("turns new transactions away with 503 once draining, and reports it on /health", async () => {
    expect((await fetch(`${base}/health`)).status).toBe(200);
    await service.drain();
    expect((await push("8", { events: [event("$late")] })).status).toBe(503);
    expect((await fetch(`${base}/health`)).status).toBe(503);
    expect(seen).toEqual([]);
  });
});
