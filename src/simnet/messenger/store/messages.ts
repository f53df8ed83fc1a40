/** Stored messages and their reactions. An unsent message keeps its row with its content gone. */
import type { SimnetDatabase } from "../../core/database.js";
import { messageId, messageSeq, wireThreadId } from "../ids.js";
import type { WireAttachment, WireMention, WireMessage, WireReaction } from "../protocol.js";

export interface MessageRow {
  seq: number;
  id: string;
  thread: string;
  sender: string;
  timestamp: number;
  offline_threading_id: string | null;
  text: string | null;
  mentions: string | null;
  reply_to: string | null;
  sticker_id: string | null;
  attachments: string | null;
  edit_count: number;
  edited_at: number | null;
  unsent_at: number | null;
}

export interface NewMessage {
  thread: string;
  sender: string;
  timestamp: number;
  offlineThreadingId: string | null;
  text: string | null;
  mentions: WireMention[];
  replyTo: string | null;
  stickerId: string | null;
  attachments: WireAttachment[];
}

const COLUMNS =
  "seq, id, thread, sender, timestamp, offline_threading_id, text, mentions, reply_to, sticker_id, attachments, edit_count, edited_at, unsent_at";

export class Messages {
  /** Positions are handed out here so the id (which embeds one) is known before the insert. */
  private nextSeq: number;
  private readonly insert;
  private readonly byId;
  private readonly page;
  private readonly updateText;
  private readonly markUnsent;
  private readonly reactionsOf;
  private readonly upsertReaction;
  private readonly deleteReaction;
  private readonly deleteReactions;
  private readonly lastAt;

  constructor(db: SimnetDatabase) {
    this.nextSeq = (db.prepare<[], { max: number | null }>("SELECT MAX(seq) AS max FROM messages").get()?.max ?? 0) + 1;
    this.insert = db.prepare<[number, string, string, string, number, string | null, string | null, string | null, string | null, string | null, string | null]>(
      `INSERT INTO messages (seq, id, thread, sender, timestamp, offline_threading_id, text, mentions, reply_to, sticker_id, attachments)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.byId = db.prepare<[number], MessageRow>(`SELECT ${COLUMNS} FROM messages WHERE seq = ?`);
    this.page = db.prepare<[string, number, number], MessageRow>(
      `SELECT ${COLUMNS} FROM messages WHERE thread = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
    );
    this.updateText = db.prepare<[string, string | null, number, number]>(
      "UPDATE messages SET text = ?, mentions = ?, edit_count = edit_count + 1, edited_at = ? WHERE seq = ?",
    );
    this.markUnsent = db.prepare<[number, number]>(
      "UPDATE messages SET unsent_at = ?, text = NULL, mentions = NULL, sticker_id = NULL, attachments = NULL WHERE seq = ?",
    );
    this.reactionsOf = db.prepare<[string], { account: string; emoji: string; timestamp: number }>(
      "SELECT account, emoji, timestamp FROM reactions WHERE message = ? ORDER BY timestamp, account",
    );
    this.upsertReaction = db.prepare<[string, string, string, number]>(
      `INSERT INTO reactions (message, account, emoji, timestamp) VALUES (?, ?, ?, ?)
       ON CONFLICT (message, account) DO UPDATE SET emoji = excluded.emoji, timestamp = excluded.timestamp`,
    );
    this.deleteReaction = db.prepare<[string, string]>("DELETE FROM reactions WHERE message = ? AND account = ?");
    this.deleteReactions = db.prepare<[string]>("DELETE FROM reactions WHERE message = ?");
    this.lastAt = db.prepare<[string, number, string], string>("SELECT id FROM messages WHERE thread = ? AND timestamp <= ? AND sender <> ? ORDER BY seq DESC LIMIT 1").pluck();
  }

  /** Stores the message and returns its id. A rolled-back insert leaves a gap in seq, harmlessly. */
  add(message: NewMessage): string {
    const seq = this.nextSeq++;
    const id = messageId(seq);
    this.insert.run(
      seq,
      id,
      message.thread,
      message.sender,
      message.timestamp,
      message.offlineThreadingId,
      message.text,
      message.mentions.length > 0 ? JSON.stringify(message.mentions) : null,
      message.replyTo,
      message.stickerId,
      message.attachments.length > 0 ? JSON.stringify(message.attachments) : null,
    );
    return id;
  }

  get(id: string): MessageRow | undefined {
    const seq = messageSeq(id);
    const row = seq === undefined ? undefined : this.byId.get(seq);
    return row?.id === id ? row : undefined;
  }

  /** Up to `limit` messages of a thread before position `beforeSeq`, newest first. */
  before(thread: string, limit: number, beforeSeq = Number.MAX_SAFE_INTEGER): MessageRow[] {
    return this.page.all(thread, beforeSeq, limit);
  }

  /**
   * The id of the thread's latest message from someone other than `reader` sent at or before
   * `timestamp`: a watermark says what the reader read, and their own messages sent in the same
   * millisecond are not that.
   */
  latestUpTo(thread: string, timestamp: number, reader: string): string | undefined {
    return this.lastAt.get(thread, timestamp, reader);
  }

  edit(message: MessageRow, text: string, mentions: WireMention[], at: number): void {
    this.updateText.run(text, mentions.length > 0 ? JSON.stringify(mentions) : null, at, message.seq);
  }

  unsend(message: MessageRow, at: number): void {
    this.markUnsent.run(at, message.seq);
    this.deleteReactions.run(message.id);
  }

  reactions(id: string): WireReaction[] {
    return this.reactionsOf.all(id).map((r) => ({ user_id: r.account, emoji: r.emoji, timestamp: r.timestamp }));
  }

  react(id: string, account: string, emoji: string, at: number): void {
    this.upsertReaction.run(id, account, emoji, at);
  }

  /** Returns whether there was a reaction to remove. */
  unreact(id: string, account: string): boolean {
    return this.deleteReaction.run(id, account).changes > 0;
  }
}

export function toWireMessage(row: MessageRow, viewer: string, reactions: WireReaction[]): WireMessage {
  return {
    id: row.id,
    thread_id: wireThreadId(row.thread, viewer),
    sender_id: row.sender,
    timestamp: row.timestamp,
    offline_threading_id: row.offline_threading_id,
    text: row.text,
    mentions: row.mentions ? (JSON.parse(row.mentions) as WireMention[]) : [],
    reply_to: row.reply_to,
    sticker_id: row.sticker_id,
    attachments: row.attachments ? (JSON.parse(row.attachments) as WireAttachment[]) : [],
    reactions,
    edit_count: row.edit_count,
    edited_at: row.edited_at,
    unsent: row.unsent_at !== null,
  };
}
