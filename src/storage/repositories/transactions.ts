import type Database from "better-sqlite3";

/**
 * One appservice transaction: the homeserver's id, and a fingerprint of its content, because
 * Synapse on SQLite reuses ids after it restarts (see migration 1).
 */
export interface TransactionKey {
  txnId: string;
  fingerprint: string;
}

/**
 * Appservice transactions already applied. The homeserver retries a transaction until it is
 * acknowledged, including across a bridge restart, so the record must outlive the process.
 */
export interface TransactionRepository {
  isProcessed(key: TransactionKey): boolean;
  /** Safe to call again for the same key; the first processing time is kept. */
  markProcessed(key: TransactionKey, eventCount: number, now?: number): void;
  /** Forgets transactions processed before `cutoffMs` (epoch ms); returns how many. */
  pruneOlderThan(cutoffMs: number): number;
}

export class SqliteTransactionRepository implements TransactionRepository {
  private readonly selectOne: Database.Statement<[string, string]>;
  private readonly insert: Database.Statement<[string, string, number, number]>;
  private readonly deleteBefore: Database.Statement<[number]>;

  constructor(db: Database.Database) {
    this.selectOne = db.prepare("SELECT 1 FROM appservice_transactions WHERE txn_id = ? AND fingerprint = ?");
    this.insert = db.prepare(
      `INSERT INTO appservice_transactions (txn_id, fingerprint, processed_at, event_count) VALUES (?, ?, ?, ?)
       ON CONFLICT (txn_id, fingerprint) DO NOTHING`,
    );
    this.deleteBefore = db.prepare("DELETE FROM appservice_transactions WHERE processed_at < ?");
  }

  isProcessed({ txnId, fingerprint }: TransactionKey): boolean {
    return this.selectOne.get(txnId, fingerprint) !== undefined;
  }

  markProcessed({ txnId, fingerprint }: TransactionKey, eventCount: number, now = Date.now()): void {
    this.insert.run(txnId, fingerprint, now, eventCount);
  }

  pruneOlderThan(cutoffMs: number): number {
    return this.deleteBefore.run(cutoffMs).changes;
  }
}
