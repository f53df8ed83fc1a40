import type Database from "better-sqlite3";

export interface OutboxEntry {
  id: number;
  /** The lane: a portal, or a gateway chat. */
  lane: number;
  eventId: string;
  /** The Matrix event as the homeserver sent it. */
  event: Record<string, unknown>;
  /** Failed attempts so far (rate limits not counted). */
  attempts: number;
  queuedAt: number;
  announced: boolean;
}

interface Row {
  id: number;
  lane: number;
  event_id: string;
  event: string;
  attempts: number;
  queued_at: number;
  announced: number;
}

const toEntry = (row: Row): OutboxEntry => ({
  id: row.id,
  lane: row.lane,
  eventId: row.event_id,
  event: JSON.parse(row.event) as Record<string, unknown>,
  attempts: row.attempts,
  queuedAt: row.queued_at,
  announced: row.announced === 1,
});

/** Which outbox table, and the column naming its lanes. */
export interface OutboxTable {
  name: "outbox" | "gateway_outbox";
  lane: "portal_id" | "lane";
}

export const PORTAL_OUTBOX: OutboxTable = { name: "outbox", lane: "portal_id" };
export const GATEWAY_OUTBOX: OutboxTable = { name: "gateway_outbox", lane: "lane" };

/** Matrix events waiting to be done on a network, oldest first per lane. */
export class OutboxRepository {
  private readonly insert: Database.Statement<[number, string, string, number]>;
  private readonly first: Database.Statement<[number], Row>;
  private readonly remove: Database.Statement<[number]>;
  private readonly attempted: Database.Statement<[number]>;
  private readonly markAnnounced: Database.Statement<[number]>;
  private readonly pendingLanes: Database.Statement<[], { lane: number }>;
  private readonly count: Database.Statement<[], { n: number }>;

  constructor(db: Database.Database, table: OutboxTable = PORTAL_OUTBOX) {
    const { name, lane } = table;
    // A transaction the homeserver sends again must not queue its events twice.
    this.insert = db.prepare(`INSERT INTO ${name} (${lane}, event_id, event, queued_at) VALUES (?, ?, ?, ?) ON CONFLICT (${lane}, event_id) DO NOTHING`);
    this.first = db.prepare(`SELECT *, ${lane} AS lane FROM ${name} WHERE ${lane} = ? ORDER BY id LIMIT 1`);
    this.remove = db.prepare(`DELETE FROM ${name} WHERE id = ?`);
    this.attempted = db.prepare(`UPDATE ${name} SET attempts = attempts + 1 WHERE id = ?`);
    this.markAnnounced = db.prepare(`UPDATE ${name} SET announced = 1 WHERE ${lane} = ?`);
    this.pendingLanes = db.prepare(`SELECT DISTINCT ${lane} AS lane FROM ${name} ORDER BY ${lane}`);
    this.count = db.prepare(`SELECT COUNT(*) AS n FROM ${name}`);
  }

  /** Queues the event in the lane; false if it was already queued there. */
  add(lane: number, eventId: string, event: Record<string, unknown>, now = Date.now()): boolean {
    return this.insert.run(lane, eventId, JSON.stringify(event), now).changes > 0;
  }

  /** The lane's oldest waiting event. */
  head(lane: number): OutboxEntry | undefined {
    const row = this.first.get(lane);
    return row ? toEntry(row) : undefined;
  }

  done(id: number): void {
    this.remove.run(id);
  }

  recordAttempt(id: number): void {
    this.attempted.run(id);
  }

  /** The sender was told the lane waits: it covers every event queued so far. */
  recordAnnounced(lane: number): void {
    this.markAnnounced.run(lane);
  }

  lanesWithPending(): number[] {
    return this.pendingLanes.all().map((row) => row.lane);
  }

  size(): number {
    return this.count.get()?.n ?? 0;
  }
}
