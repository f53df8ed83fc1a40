import type Database from "better-sqlite3";

/**
 * Appservice transaction ids already applied. The homeserver retries a transaction until it is
 * acknowledged, including across a bridge restart, so the ids must outlive the process.
 */
export interface TransactionRepository {
  isProcessed(txnId: string): boolean;
  /** Safe to call again for the same id; the first processing time is kept. */
  markProcessed(txnId: string, eventCount: number, now?: number): void;
  /** Forgets transactions processed before `cutoffMs` (epoch ms); returns how many. */
  pruneOlderThan(cutoffMs: number): number;
}

export class SqliteTransactionRepository implements TransactionRepository {
  private readonly selectOne: Database.Statement<[string]>;
  private readonly insert: Database.Statement<[string, number, number]>;
  private readonly deleteBefore: Database.Statement<[number]>;

  constructor(db: Database.Database) {
    this.selectOne = db.prepare("SELECT 1 FROM appservice_transactions WHERE txn_id = ?");
    this.insert = db.prepare(
      `INSERT INTO appservice_transactions (txn_id, processed_at, event_count) VALUES (?, ?, ?)
       ON CONFLICT (txn_id) DO NOTHING`,
    );
    this.deleteBefore = db.prepare("DELETE FROM appservice_transactions WHERE processed_at < ?");
  }

  isProcessed(txnId: string): boolean {
    return this.selectOne.get(txnId) !== undefined;
  }

  markProcessed(txnId: string, eventCount: number, now = Date.now()): void {
    this.insert.run(txnId, now, eventCount);
  }

  pruneOlderThan(cutoffMs: number): number {
    return this.deleteBefore.run(cutoffMs).changes;
  }
}
