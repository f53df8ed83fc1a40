import type Database from "better-sqlite3";

export interface ReactionRecord {
  portalId: number;
  targetId: string;
  /** Remote id of the person reacting. */
  sender: string;
  emoji: string;
  roomId: string;
  eventId: string;
}

interface Row {
  portal_id: number;
  target_id: string;
  sender: string;
  emoji: string;
  room_id: string;
  event_id: string;
}

const toRecord = (row: Row): ReactionRecord => ({
  portalId: row.portal_id,
  targetId: row.target_id,
  sender: row.sender,
  emoji: row.emoji,
  roomId: row.room_id,
  eventId: row.event_id,
});

/** Each person's current reaction to a message, and the Matrix event that shows it. */
export class ReactionRepository {
  private readonly byKey: Database.Statement<[number, string, string], Row>;
  private readonly byEvent: Database.Statement<[number, string, string], Row>;
  private readonly upsert: Database.Statement<[number, string, string, string, string, string]>;
  private readonly remove: Database.Statement<[number, string, string]>;

  constructor(db: Database.Database) {
    this.byKey = db.prepare("SELECT * FROM reactions WHERE portal_id = ? AND target_id = ? AND sender = ?");
    this.byEvent = db.prepare("SELECT * FROM reactions WHERE portal_id = ? AND room_id = ? AND event_id = ?");
    this.upsert = db.prepare(
      `INSERT INTO reactions (portal_id, target_id, sender, emoji, room_id, event_id) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (portal_id, target_id, sender) DO UPDATE SET
         emoji = excluded.emoji, room_id = excluded.room_id, event_id = excluded.event_id`,
    );
    this.remove = db.prepare("DELETE FROM reactions WHERE portal_id = ? AND target_id = ? AND sender = ?");
  }

  find(portalId: number, targetId: string, sender: string): ReactionRecord | undefined {
    const row = this.byKey.get(portalId, targetId, sender);
    return row && toRecord(row);
  }

  findEvent(portalId: number, roomId: string, eventId: string): ReactionRecord | undefined {
    const row = this.byEvent.get(portalId, roomId, eventId);
    return row && toRecord(row);
  }

  set(reaction: ReactionRecord): void {
    this.upsert.run(reaction.portalId, reaction.targetId, reaction.sender, reaction.emoji, reaction.roomId, reaction.eventId);
  }

  delete(portalId: number, targetId: string, sender: string): void {
    this.remove.run(portalId, targetId, sender);
  }
}
