/** Threads and their participants: who is in, who is admin, how far each has read. */
import type { SimnetDatabase } from "../../core/database.js";
import { wireThreadId } from "../ids.js";
import type { ThreadKind, WireThread } from "../protocol.js";

export interface ThreadRow {
  key: string;
  kind: ThreadKind;
  name: string | null;
  image_media: string | null;
  admin_only_edits: number;
  created_by: string;
  created_at: number;
  last_activity: number;
}

export interface ParticipantRow {
  account: string;
  name: string;
  is_admin: number;
  joined_at: number;
  read_watermark: number;
}

const THREAD_COLUMNS = "key, kind, name, image_media, admin_only_edits, created_by, created_at, last_activity";

export class Threads {
  private readonly insertThread;
  private readonly insertParticipant;
  private readonly byKey;
  private readonly members;
  private readonly memberIdsOf;
  private readonly ofAccount;
  private readonly deleteParticipant;
  private readonly updateAdmin;
  private readonly updateName;
  private readonly updateImage;
  private readonly updateSettings;
  private readonly updateActivity;
  private readonly raiseWatermark;

  constructor(db: SimnetDatabase) {
    this.insertThread = db.prepare<[string, ThreadKind, string | null, string, number, number]>(
      `INSERT INTO threads (key, kind, name, created_by, created_at, last_activity) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.insertParticipant = db.prepare<[string, string, number, number]>(
      "INSERT INTO participants (thread, account, is_admin, joined_at) VALUES (?, ?, ?, ?)",
    );
    this.byKey = db.prepare<[string], ThreadRow>(`SELECT ${THREAD_COLUMNS} FROM threads WHERE key = ?`);
    this.members = db.prepare<[string], ParticipantRow>(
      `SELECT p.account, a.name, p.is_admin, p.joined_at, p.read_watermark
       FROM participants p JOIN accounts a ON a.id = p.account WHERE p.thread = ? ORDER BY p.joined_at, p.account`,
    );
    this.memberIdsOf = db.prepare<[string], string>("SELECT account FROM participants WHERE thread = ?").pluck();
    // A direct thread someone else opened but never wrote in is not in your inbox yet.
    this.ofAccount = db.prepare<{ account: string; at: number; key: string; limit: number }, ThreadRow>(
      `SELECT ${THREAD_COLUMNS.split(", ").map((c) => `t.${c}`).join(", ")}
       FROM participants p JOIN threads t ON t.key = p.thread
       WHERE p.account = :account
         AND (t.last_activity < :at OR (t.last_activity = :at AND t.key > :key))
         AND (t.kind = 'group' OR t.created_by = p.account OR EXISTS (SELECT 1 FROM messages m WHERE m.thread = t.key))
       ORDER BY t.last_activity DESC, t.key LIMIT :limit`,
    );
    this.deleteParticipant = db.prepare<[string, string]>("DELETE FROM participants WHERE thread = ? AND account = ?");
    this.updateAdmin = db.prepare<[number, string, string]>("UPDATE participants SET is_admin = ? WHERE thread = ? AND account = ?");
    this.updateName = db.prepare<[string | null, string]>("UPDATE threads SET name = ? WHERE key = ?");
    this.updateImage = db.prepare<[string | null, string]>("UPDATE threads SET image_media = ? WHERE key = ?");
    this.updateSettings = db.prepare<[number, string]>("UPDATE threads SET admin_only_edits = ? WHERE key = ?");
    this.updateActivity = db.prepare<[number, string]>("UPDATE threads SET last_activity = ? WHERE key = ?");
    this.raiseWatermark = db.prepare<[number, string, string]>(
      "UPDATE participants SET read_watermark = MAX(read_watermark, ?) WHERE thread = ? AND account = ?",
    );
  }

  /** Creates a thread with its participants; `admins` must be among `members`. */
  create(key: string, kind: ThreadKind, creator: string, members: string[], admins: ReadonlySet<string>, name: string | null, at: number): ThreadRow {
    this.insertThread.run(key, kind, name, creator, at, at);
    for (const member of members) this.insertParticipant.run(key, member, admins.has(member) ? 1 : 0, at);
    return this.byKey.get(key)!;
  }

  get(key: string): ThreadRow | undefined {
    return this.byKey.get(key);
  }

  participants(key: string): ParticipantRow[] {
    return this.members.all(key);
  }

  memberIds(key: string): string[] {
    return this.memberIdsOf.all(key);
  }

  /** The account's threads, most recently active first, after the `after` thread in that order. */
  forAccount(account: string, limit: number, after?: { lastActivity: number; key: string }): ThreadRow[] {
    return this.ofAccount.all({ account, at: after?.lastActivity ?? Number.MAX_SAFE_INTEGER, key: after?.key ?? "", limit });
  }

  addParticipant(key: string, account: string, at: number): void {
    this.insertParticipant.run(key, account, 0, at);
  }

  removeParticipant(key: string, account: string): void {
    this.deleteParticipant.run(key, account);
  }

  setAdmin(key: string, account: string, isAdmin: boolean): void {
    this.updateAdmin.run(isAdmin ? 1 : 0, key, account);
  }

  setName(key: string, name: string | null): void {
    this.updateName.run(name, key);
  }

  setImage(key: string, media: string | null): void {
    this.updateImage.run(media, key);
  }

  setAdminOnlyEdits(key: string, value: boolean): void {
    this.updateSettings.run(value ? 1 : 0, key);
  }

  touch(key: string, at: number): void {
    this.updateActivity.run(at, key);
  }

  markRead(key: string, account: string, watermark: number): void {
    this.raiseWatermark.run(watermark, key, account);
  }
}

export function toWireThread(thread: ThreadRow, participants: ParticipantRow[], viewer: string): WireThread {
  return {
    id: wireThreadId(thread.key, viewer),
    kind: thread.kind,
    name: thread.name,
    image_attachment_id: thread.image_media,
    admin_only_edits: thread.admin_only_edits === 1,
    participants: participants.map((p) => ({ id: p.account, name: p.name, is_admin: p.is_admin === 1, read_watermark: p.read_watermark })),
    created_at: thread.created_at,
    last_activity: thread.last_activity,
  };
}
