/**
 * Stored envelopes: one row of routing metadata per message, edit, revoke or reaction, plus one
 * encrypted copy per device it was addressed to. Every statement is prepared once; the send
 * path runs a handful of indexed inserts in one transaction.
 */
import type { SimnetDatabase } from "../core/database.js";
import type { EnvelopeKind, StoredEnvelopeInfo } from "./protocol.js";

export interface TargetRow {
  rowid: number;
  sender: string;
  kind: EnvelopeKind;
  t: number;
  revoked_at: number | null;
}

export interface NewMessage {
  chat: string;
  id: string;
  sender: string;
  senderDevice: number;
  kind: EnvelopeKind;
  target: string | null;
  t: number;
  payloadBytes: number;
}

export interface HistoryRow {
  rowid: number;
  id: string;
  sender: string;
  sender_device: number;
  t: number;
  revoked_at: number | null;
  revoked_by: string | null;
  edited_at: number | null;
  ciphertext: string;
  edit_id: string | null;
  edit_ciphertext: string | null;
}

export interface AdminMessageRow extends StoredEnvelopeInfo {
  rowid: number;
}

const HISTORY = `
  SELECT m.rowid, m.id, m.sender, m.sender_device, m.t, m.revoked_at, m.revoked_by, m.edited_at, c.ciphertext,
         e.id AS edit_id, ec.ciphertext AS edit_ciphertext
  FROM messages m
  JOIN message_copies c ON c.message = m.rowid AND c.session_id = @session
  LEFT JOIN messages e ON e.rowid = m.last_edit
  LEFT JOIN message_copies ec ON ec.message = m.last_edit AND ec.session_id = @session
  WHERE m.chat = @chat AND m.kind = 'message'`;

export class MessageStore {
  private readonly selectTarget;
  private readonly insertMessage;
  private readonly insertCopy;
  private readonly markEdited;
  private readonly markRevoked;
  private readonly upsertReaction;
  private readonly deleteReaction;
  private readonly selectHistory;
  private readonly selectOne;
  private readonly selectChat;
  private readonly selectCopySizes;
  private readonly selectReactions;

  constructor(db: SimnetDatabase) {
    this.selectTarget = db.prepare<[string, string], TargetRow>("SELECT rowid, sender, kind, t, revoked_at FROM messages WHERE chat = ? AND id = ?");
    this.insertMessage = db.prepare<[string, string, string, number, string, string | null, number, number]>(
      "INSERT INTO messages (chat, id, sender, sender_device, kind, target, t, payload_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    this.insertCopy = db.prepare<[string, number | bigint, string]>("INSERT INTO message_copies (session_id, message, ciphertext) VALUES (?, ?, ?)");
    this.markEdited = db.prepare<[number, number | bigint, number]>("UPDATE messages SET edited_at = ?, last_edit = ? WHERE rowid = ?");
    this.markRevoked = db.prepare<[number, string, number]>("UPDATE messages SET revoked_at = ?, revoked_by = ? WHERE rowid = ?");
    this.upsertReaction = db.prepare<[string, string, string, string, number]>(
      `INSERT INTO reactions (chat, target, reactor, reaction, t) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (chat, target, reactor) DO UPDATE SET reaction = excluded.reaction, t = excluded.t`,
    );
    this.deleteReaction = db.prepare<[string, string, string]>("DELETE FROM reactions WHERE chat = ? AND target = ? AND reactor = ?");
    this.selectHistory = db.prepare<{ session: string; chat: string; before: number; limit: number }, HistoryRow>(
      `${HISTORY} AND m.rowid < @before ORDER BY m.rowid DESC LIMIT @limit`,
    );
    this.selectOne = db.prepare<{ session: string; chat: string; id: string }, HistoryRow>(`${HISTORY} AND m.id = @id`);
    this.selectChat = db.prepare<[string], AdminMessageRow>(
      "SELECT rowid, id, sender, sender_device, kind, target, t, payload_bytes, revoked_at, revoked_by, edited_at FROM messages WHERE chat = ? ORDER BY rowid",
    );
    this.selectCopySizes = db.prepare<[number], { session_id: string; bytes: number }>(
      "SELECT session_id, length(ciphertext) AS bytes FROM message_copies WHERE message = ?",
    );
    this.selectReactions = db.prepare<[string, string], { reactor: string; reaction: string }>(
      "SELECT reactor, reaction FROM reactions WHERE chat = ? AND target = ? ORDER BY t",
    );
  }

  find(chat: string, id: string): TargetRow | undefined {
    return this.selectTarget.get(chat, id);
  }

  insert(message: NewMessage): number | bigint {
    return this.insertMessage.run(message.chat, message.id, message.sender, message.senderDevice, message.kind, message.target, message.t, message.payloadBytes)
      .lastInsertRowid;
  }

  addCopy(sessionId: string, message: number | bigint, ciphertext: string): void {
    this.insertCopy.run(sessionId, message, ciphertext);
  }

  edited(target: number, editRow: number | bigint, at: number): void {
    this.markEdited.run(at, editRow, target);
  }

  revoked(target: number, by: string, at: number): void {
    this.markRevoked.run(at, by, target);
  }

  /** The reactor's one reaction on the target: `reactionId` replaces any earlier one, null removes it. */
  react(chat: string, target: string, reactor: string, reactionId: string | null, at: number): void {
    if (reactionId === null) this.deleteReaction.run(chat, target, reactor);
    else this.upsertReaction.run(chat, target, reactor, reactionId, at);
  }

  history(session: string, chat: string, before: number, limit: number): HistoryRow[] {
    return this.selectHistory.all({ session, chat, before, limit });
  }

  one(session: string, chat: string, id: string): HistoryRow | undefined {
    return this.selectOne.get({ session, chat, id });
  }

  forAdmin(chat: string): (AdminMessageRow & { copies: { session_id: string; bytes: number }[]; reactions: { reactor: string; reaction: string }[] })[] {
    return this.selectChat.all(chat).map((row) => ({
      ...row,
      copies: this.selectCopySizes.all(row.rowid),
      reactions: row.kind === "message" ? this.selectReactions.all(chat, row.id) : [],
    }));
  }
}
