/**
 * Ordered, durable event streams: the delivery model every simulated network shares.
 *
 * A stream belongs to one recipient (an account, or on WhatsApp a device). Events get
 * consecutive sequence numbers per stream and stay stored until pruned by retention, so a
 * client that reconnects asks for everything after the last position it acknowledged and gets
 * exactly that, in order. A position older than what is retained cannot be resumed: the client
 * is told to resynchronise (and must notice the gap), as the real services do.
 */
import type { SimnetDatabase, SchemaStep } from "./database.js";

export interface StreamEvent {
  stream: string;
  seq: number;
  type: string;
  payload: unknown;
  /** Server time of the append, epoch milliseconds. */
  at: number;
}

export interface RetentionPolicy {
  /** Events kept per stream at the most; older ones are pruned first. */
  maxEventsPerStream: number;
  /** Events older than this are pruned, whatever their count. */
  maxAgeMs: number;
}

export const eventStreamSchema: SchemaStep = (db) => {
  db.exec(`
    CREATE TABLE stream_events (
      stream  TEXT NOT NULL,
      seq     INTEGER NOT NULL,
      type    TEXT NOT NULL,
      payload TEXT NOT NULL,
      at      INTEGER NOT NULL,
      PRIMARY KEY (stream, seq)
    ) WITHOUT ROWID;
    -- The next sequence number of each stream, and the first one still retained. Kept apart from
    -- the events so pruning every event of a stream does not restart its numbering.
    CREATE TABLE streams (
      stream     TEXT PRIMARY KEY,
      next_seq   INTEGER NOT NULL,
      first_kept INTEGER NOT NULL
    ) WITHOUT ROWID;
  `);
};

export type ResumeResult =
  | { ok: true; events: StreamEvent[] }
  /** `after` is older than what is retained: events were lost to the client. */
  | { ok: false; firstRetained: number; latest: number };

type Listener = (event: StreamEvent) => void;

interface Row {
  stream: string;
  seq: number;
  type: string;
  payload: string;
  at: number;
}

export class EventStreams {
  private readonly listeners = new Map<string, Set<Listener>>();
  /** Appended inside the running transaction, told to listeners once it commits. */
  private pending: StreamEvent[] = [];
  private readonly selectState;
  private readonly insertState;
  private readonly bumpState;
  private readonly insertEvent;
  private readonly selectAfter;
  private readonly pruneByCount;
  private readonly pruneByAge;
  private readonly raiseFirstKept;
  private readonly setFirstKept;

  constructor(
    private readonly db: SimnetDatabase,
    private readonly retention: RetentionPolicy,
    private readonly now: () => number = Date.now,
  ) {
    this.selectState = db.prepare<[string], { next_seq: number; first_kept: number }>(
      "SELECT next_seq, first_kept FROM streams WHERE stream = ?",
    );
    this.insertState = db.prepare<[string]>("INSERT INTO streams (stream, next_seq, first_kept) VALUES (?, 2, 1)");
    this.bumpState = db.prepare<[string]>("UPDATE streams SET next_seq = next_seq + 1 WHERE stream = ?");
    this.insertEvent = db.prepare<[string, number, string, string, number]>(
      "INSERT INTO stream_events (stream, seq, type, payload, at) VALUES (?, ?, ?, ?, ?)",
    );
    this.selectAfter = db.prepare<[string, number, number], Row>(
      "SELECT stream, seq, type, payload, at FROM stream_events WHERE stream = ? AND seq > ? ORDER BY seq LIMIT ?",
    );
    this.pruneByCount = db.prepare<[string, number]>("DELETE FROM stream_events WHERE stream = ? AND seq <= ?");
    this.pruneByAge = db.prepare<[number]>("DELETE FROM stream_events WHERE at < ?");
    this.setFirstKept = db.prepare<[number, string]>("UPDATE streams SET first_kept = ? WHERE stream = ?");
    this.raiseFirstKept = db.prepare(
      `UPDATE streams SET first_kept = COALESCE(
         (SELECT MIN(seq) FROM stream_events WHERE stream_events.stream = streams.stream), next_seq)`,
    );
  }

  /**
   * Appends an event and tells the stream's live listeners. Inside `transaction()` the
   * listeners hear of it only once the transaction has committed, so nobody is ever sent an
   * event that a rollback then takes back.
   */
  append(stream: string, type: string, payload: unknown): StreamEvent {
    const state = this.selectState.get(stream);
    let seq: number;
    if (state) {
      seq = state.next_seq;
      this.bumpState.run(stream);
    } else {
      seq = 1;
      this.insertState.run(stream);
    }
    const event: StreamEvent = { stream, seq, type, payload, at: this.now() };
    this.insertEvent.run(stream, seq, type, JSON.stringify(payload), event.at);
    const pruneUpTo = seq - this.retention.maxEventsPerStream;
    if (pruneUpTo > 0 && seq % 64 === 0) {
      // Pruning in batches keeps the append path cheap.
      this.pruneByCount.run(stream, pruneUpTo);
      this.setFirstKept.run(pruneUpTo + 1, stream);
    }
    this.pending.push(event);
    if (!this.db.inTransaction) this.flushPending();
    return event;
  }

  /**
   * Runs `work` in one write transaction (state changes and the events reporting them commit
   * together), then delivers the events it appended.
   */
  transaction<T>(work: () => T): T {
    let result: T;
    try {
      result = this.db.transaction(work).immediate();
    } catch (error) {
      this.pending = [];
      throw error;
    }
    this.flushPending();
    return result;
  }

  private flushPending(): void {
    const events = this.pending;
    this.pending = [];
    for (const event of events) {
      for (const listener of this.listeners.get(event.stream) ?? []) listener(event);
    }
  }

  /** The events after position `after` (0 for the beginning), or a resynchronise answer. */
  resume(stream: string, after: number, limit = 1000): ResumeResult {
    const state = this.selectState.get(stream);
    if (!state) return after === 0 ? { ok: true, events: [] } : { ok: false, firstRetained: 1, latest: 0 };
    const latest = state.next_seq - 1;
    if (after > latest) return { ok: false, firstRetained: state.first_kept, latest };
    if (after < state.first_kept - 1) return { ok: false, firstRetained: state.first_kept, latest };
    return { ok: true, events: this.selectAfter.all(stream, after, limit).map(toEvent) };
  }

  /** The last sequence number appended to the stream, 0 if none. */
  latest(stream: string): number {
    const state = this.selectState.get(stream);
    return state ? state.next_seq - 1 : 0;
  }

  /** Removes events past the age limit; run periodically by the server. */
  pruneExpired(): number {
    const removed = this.pruneByAge.run(this.now() - this.retention.maxAgeMs).changes;
    if (removed > 0) this.raiseFirstKept.run();
    return removed;
  }

  subscribe(stream: string, listener: Listener): () => void {
    let set = this.listeners.get(stream);
    if (!set) {
      set = new Set();
      this.listeners.set(stream, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(stream);
    };
  }
}

function toEvent(row: Row): StreamEvent {
  return { stream: row.stream, seq: row.seq, type: row.type, payload: JSON.parse(row.payload) as unknown, at: row.at };
}
