import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { openDatabase, type Storage } from "../../../src/storage/index.js";
import { makeTempDir, removeDir, silentLogger } from "./helpers.js";

/** A key whose fingerprint stands for "the same events" unless given otherwise. */
const key = (txnId: string, fingerprint = "same-events") => ({ txnId, fingerprint });

describe("TransactionRepository", () => {
  let dir: string;
  let dbPath: string;
  let storage: Storage;

  beforeEach(() => {
    dir = makeTempDir();
    dbPath = path.join(dir, "crosschat.db");
    storage = openDatabase(dbPath, { logger: silentLogger() });
  });

  afterEach(() => {
    storage.close();
    removeDir(dir);
  });

  it("reports a transaction as processed only once marked", () => {
    expect(storage.transactions.isProcessed(key("txn-1"))).toBe(false);
    storage.transactions.markProcessed(key("txn-1"), 3);
    expect(storage.transactions.isProcessed(key("txn-1"))).toBe(true);
    expect(storage.transactions.isProcessed(key("txn-2"))).toBe(false);
  });

  it("treats a reused transaction id with different events as a new transaction", () => {
    // Synapse on SQLite numbers transactions from 1 again after it restarts.
    storage.transactions.markProcessed(key("1", "events-before-restart"), 2);
    expect(storage.transactions.isProcessed(key("1", "events-before-restart"))).toBe(true);
    expect(storage.transactions.isProcessed(key("1", "events-after-restart"))).toBe(false);
  });

  it("remembers processed transactions across close and re-open", () => {
    storage.transactions.markProcessed(key("txn-restart"), 2);
    storage.close();
    storage = openDatabase(dbPath, { logger: silentLogger() });
    expect(storage.transactions.isProcessed(key("txn-restart"))).toBe(true);
  });

  it("treats marking the same transaction again as a no-op that keeps the first record", () => {
    storage.transactions.markProcessed(key("txn-1"), 3, 1000);
    storage.transactions.markProcessed(key("txn-1"), 5, 2000);
    const row = storage.db
      .prepare("SELECT processed_at, event_count FROM appservice_transactions WHERE txn_id = ?")
      .get("txn-1");
    expect(row).toEqual({ processed_at: 1000, event_count: 3 });
  });

  it("prunes transactions processed before the cutoff and says how many", () => {
    storage.transactions.markProcessed(key("old-1"), 1, 1000);
    storage.transactions.markProcessed(key("old-2"), 1, 1999);
    storage.transactions.markProcessed(key("edge"), 1, 2000);
    storage.transactions.markProcessed(key("new"), 1, 3000);

    expect(storage.transactions.pruneOlderThan(2000)).toBe(2);
    expect(storage.transactions.isProcessed(key("old-1"))).toBe(false);
    expect(storage.transactions.isProcessed(key("old-2"))).toBe(false);
    expect(storage.transactions.isProcessed(key("edge"))).toBe(true);
    expect(storage.transactions.isProcessed(key("new"))).toBe(true);
    expect(storage.transactions.pruneOlderThan(2000)).toBe(0);
  });
});
