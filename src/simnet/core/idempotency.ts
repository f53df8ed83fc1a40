/**
 * Client-chosen idempotency keys (WhatsApp's message id, Messenger's offline threading id,
 * Instagram's client context): the first request with a key does the work and its answer is
 * stored; a retry with the same key gets that answer back and changes nothing.
 */
import type { SchemaStep, SimnetDatabase } from "./database.js";

export const idempotencySchema: SchemaStep = (db) => {
  db.exec(`
    CREATE TABLE idempotency_keys (
      scope      TEXT NOT NULL,
      key        TEXT NOT NULL,
      result     TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (scope, key)
    ) WITHOUT ROWID;
  `);
};

export class IdempotencyKeys {
  private readonly select;
  private readonly insert;

  constructor(
    db: SimnetDatabase,
    private readonly now: () => number,
  ) {
    this.select = db.prepare<[string, string], { result: string }>("SELECT result FROM idempotency_keys WHERE scope = ? AND key = ?");
    this.insert = db.prepare<[string, string, string, number]>(
      "INSERT INTO idempotency_keys (scope, key, result, created_at) VALUES (?, ?, ?, ?)",
    );
  }

  /**
   * Returns the stored answer for (scope, key), or runs `work` and stores its answer. Call it
   * inside the transaction that does the work, so the key and the work commit together.
   */
  once<T>(scope: string, key: string | undefined, work: () => T): { result: T; replayed: boolean } {
    if (key === undefined) return { result: work(), replayed: false };
    const stored = this.select.get(scope, key);
    if (stored) return { result: JSON.parse(stored.result) as T, replayed: true };
    const result = work();
    this.insert.run(scope, key, JSON.stringify(result), this.now());
    return { result, replayed: false };
  }
}
