import type Database from "better-sqlite3";

export type MessageKind = "message" | "edit";

export interface MessageRecord {
  portalId: number;
  remoteId: string;
  part: number;
  kind: MessageKind;
  /** For an edit: the id of the message it changes. */
  targetId: string | undefined;
  roomId: string;
  eventId: string;
  /** The remote id of who sent it. */
  sender: string;
  timestamp: number;
  editCount: number;
  deleted: boolean;
}

interface Row {
  portal_id: number;
  remote_id: string;
  part: number;
  kind: MessageKind;
  target_id: string | null;
  room_id: string;
  event_id: string;
  sender: string;
  timestamp: number;
  edit_count: number;
  deleted: number;
}

const toRecord = (row: Row): MessageRecord => ({
  portalId: row.portal_id,
  remoteId: row.remote_id,
  part: row.part,
  kind: row.kind,
  targetId: row.target_id ?? undefined,
  roomId: row.room_id,
  eventId: row.event_id,
  sender: row.sender,
  timestamp: row.timestamp,
  editCount: row.edit_count,
  deleted: row.deleted === 1,
});

export type NewMessageRecord = Omit<MessageRecord, "editCount" | "deleted" | "targetId" | "kind" | "part"> &
  Partial<Pick<MessageRecord, "kind" | "targetId" | "part">>;

/**
 * The message map: remote message (part, edit) <-> Matrix event, per portal. It is how replies,
 * edits, reactions and deletes find their counterpart, and how a redelivered event is
 * recognised as already bridged.
 */
export class MessageRepository {
  private readonly byRemote: Database.Statement<[number, string, number], Row>;
  private readonly byEvent: Database.Statement<[number, string, string], Row>;
  private readonly allOfEvent: Database.Statement<[number, string, string], Row>;
  private readonly insert: Database.Statement<[number, string, number, string, string | null, string, string, string, number]>;
  private readonly countEdit: Database.Statement<[number, string]>;
  private readonly markDeleted: Database.Statement<[number, string]>;

  constructor(db: Database.Database) {
    this.byRemote = db.prepare("SELECT * FROM messages WHERE portal_id = ? AND remote_id = ? AND part = ?");
    this.byEvent = db.prepare("SELECT * FROM messages WHERE portal_id = ? AND room_id = ? AND event_id = ? ORDER BY part, rowid LIMIT 1");
    this.allOfEvent = db.prepare("SELECT * FROM messages WHERE portal_id = ? AND room_id = ? AND event_id = ? ORDER BY part, rowid");
    this.insert = db.prepare(
      `INSERT INTO messages (portal_id, remote_id, part, kind, target_id, room_id, event_id, sender, timestamp)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    );
    this.countEdit = db.prepare("UPDATE messages SET edit_count = edit_count + 1 WHERE portal_id = ? AND remote_id = ? AND kind = 'message'");
    this.markDeleted = db.prepare("UPDATE messages SET deleted = 1 WHERE portal_id = ? AND remote_id = ?");
  }

  findRemote(portalId: number, remoteId: string, part = 0): MessageRecord | undefined {
    const row = this.byRemote.get(portalId, remoteId, part);
    return row && toRecord(row);
  }

  findEvent(portalId: number, roomId: string, eventId: string): MessageRecord | undefined {
    const row = this.byEvent.get(portalId, roomId, eventId);
    return row && toRecord(row);
  }

  /** Every remote message one Matrix event became in this portal, the main one first. */
  listEvent(portalId: number, roomId: string, eventId: string): MessageRecord[] {
    return this.allOfEvent.all(portalId, roomId, eventId).map(toRecord);
  }

  /** Returns false when the remote message was already mapped (the first mapping stays). */
  add(message: NewMessageRecord): boolean {
    const result = this.insert.run(
      message.portalId,
      message.remoteId,
      message.part ?? 0,
      message.kind ?? "message",
      message.targetId ?? null,
      message.roomId,
      message.eventId,
      message.sender,
      message.timestamp,
    );
    return result.changes === 1;
  }

  recordEdit(portalId: number, targetId: string): void {
    this.countEdit.run(portalId, targetId);
  }

  markRemoteDeleted(portalId: number, remoteId: string): void {
    this.markDeleted.run(portalId, remoteId);
  }
}
