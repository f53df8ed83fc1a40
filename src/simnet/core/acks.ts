/**
 * Acknowledged positions, per stream and consumer (a device, a session): where a client that
 * reconnects without naming a position resumes, and what "delivered" means for the sender's
 * receipts. An acknowledgement past what was delivered is a protocol error; a replayed old one
 * changes nothing.
 */
import type { SchemaStep, SimnetDatabase } from "./database.js";
import { badRequest } from "./protocol-error.js";

export const ackSchema: SchemaStep = (db) => {
  db.exec(`
    CREATE TABLE stream_acks (
      stream   TEXT NOT NULL,
      consumer TEXT NOT NULL,
      acked    INTEGER NOT NULL,
      PRIMARY KEY (stream, consumer)
    ) WITHOUT ROWID;
  `);
};

export type AckOutcome = "advanced" | "stale";

export class AckLedger {
  private readonly select;
  private readonly upsert;

  constructor(db: SimnetDatabase) {
    this.select = db.prepare<[string, string], { acked: number }>("SELECT acked FROM stream_acks WHERE stream = ? AND consumer = ?");
    this.upsert = db.prepare<[string, string, number]>(
      `INSERT INTO stream_acks (stream, consumer, acked) VALUES (?, ?, ?)
       ON CONFLICT (stream, consumer) DO UPDATE SET acked = excluded.acked`,
    );
  }

  position(stream: string, consumer: string): number {
    return this.select.get(stream, consumer)?.acked ?? 0;
  }

  /** Records that `consumer` has everything up to `seq`; `delivered` is the last seq sent to it. */
  ack(stream: string, consumer: string, seq: number, delivered: number): AckOutcome {
    if (!Number.isSafeInteger(seq) || seq < 0) throw badRequest("invalid_ack", "an acknowledged position must be a non-negative integer");
    if (seq > delivered) throw badRequest("ack_out_of_range", `position ${seq} was never delivered (last delivered: ${delivered})`);
    if (seq <= this.position(stream, consumer)) return "stale";
    this.upsert.run(stream, consumer, seq);
    return "advanced";
  }
}
