import type Database from "better-sqlite3";

export interface OutboxEntry {
  id: number;
  portalId: number;
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
  portal_id: number;
  event_id: string;
  event: string;
  attempts: number;
  queued_at: number;
  announced: number;
}

const toEntry = (row: Row): OutboxEntry => ({
  id: row.id,
  portalId: row.portal_id,
  eventId: row.event_id,
  event: JSON.parse(row.event) as Record<string, unknown>,
  attempts: row.attempts,
  queuedAt: row.queued_at,
  announced: row.announced === 1,
});

/** Matrix events waiting to be done on a portal's network, oldest first per portal. */
export class OutboxRepository {
  private readonly insert: Database.Statement<[number, string, string, number]>;
  private readonly first: Database.Statement<[number], Row>;
  private readonly remove: Database.Statement<[number]>;
  private readonly attempted: Database.Statement<[number]>;
  private readonly markAnnounced: Database.Statement<[number]>;
  private readonly pendingPortals: Database.Statement<[], { portal_id: number }>;
  private readonly count: Database.Statement<[], { n: number }>;

  constructor(db: Database.Database) {
    // A transaction the homeserver sends again must not queue its events twice.
    this.insert = db.prepare("INSERT INTO outbox (portal_id, event_id, event, queued_at) VALUES (?, ?, ?, ?) ON CONFLICT (portal_id, event_id) DO NOTHING");
    this.first = db.prepare("SELECT * FROM outbox WHERE portal_id = ? ORDER BY id LIMIT 1");
    this.remove = db.prepare("DELETE FROM outbox WHERE id = ?");
    this.attempted = db.prepare("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?");
    this.markAnnounced = db.prepare("UPDATE outbox SET announced = 1 WHERE portal_id = ?");
    this.pendingPortals = db.prepare("SELECT DISTINCT portal_id FROM outbox ORDER BY portal_id");
    this.count = db.prepare("SELECT COUNT(*) AS n FROM outbox");
  }

  /** Queues the event for the portal; false if it was already queued. */
  add(portalId: number, eventId: string, event: Record<string, unknown>, now = Date.now()): boolean {
    return this.insert.run(portalId, eventId, JSON.stringify(event), now).changes > 0;
  }

  /** The portal's oldest waiting event. */
  head(portalId: number): OutboxEntry | undefined {
    const row = this.first.get(portalId);
    return row ? toEntry(row) : undefined;
  }

  done(id: number): void {
    this.remove.run(id);
  }

  recordAttempt(id: number): void {
    this.attempted.run(id);
  }

  /** The sender was told the portal's queue waits: it covers every event queued so far. */
  recordAnnounced(portalId: number): void {
    this.markAnnounced.run(portalId);
  }

  portalsWithPending(): number[] {
    return this.pendingPortals.all().map((row) => row.portal_id);
  }

  size(): number {
    return this.count.get()?.n ?? 0;
  }
}
