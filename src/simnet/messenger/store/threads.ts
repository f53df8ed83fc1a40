/**
 * Threads and their participants: who is in, who is admin, how far each has read. A participant
 * is a Messenger user (`participants`) or, in a third-party chat, a third-party contact
 * (`interop_members`, see interop/schema.ts); every read here returns both as one list.
 */
import type { SimnetDatabase } from "../../core/database.js";
import { wireThreadId } from "../ids.js";
import type { ThirdPartyNetwork, ThreadKind, WireParticipant, WireThread } from "../protocol.js";

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
  /** The account id, or a third-party contact's id. */
  account: string;
  name: string;
  is_admin: number;
  joined_at: number;
  read_watermark: number;
  /** Third-party contacts only (null for Messenger users): who publishes them, and as whom. */
  provider: string | null;
  provider_name: string | null;
  identity: string | null;
  network: ThirdPartyNetwork | null;
  handle: string | null;
}

const THREAD_COLUMNS = "key, kind, name, image_media, admin_only_edits, created_by, created_at, last_activity";

export class Threads {
  private readonly insertThread;
  private readonly insertParticipant;
  private readonly insertContact;
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
    this.members = db.prepare<{ thread: string }, ParticipantRow>(
      `SELECT p.account, a.name, p.is_admin, p.joined_at, p.read_watermark,
              NULL AS provider, NULL AS provider_name, NULL AS identity, NULL AS network, NULL AS handle
       FROM participants p JOIN accounts a ON a.id = p.account WHERE p.thread = :thread
       UNION ALL
       SELECT i.contact, c.name, i.is_admin, i.joined_at, i.read_watermark, c.provider, v.name, c.identity, c.network, c.handle
       FROM interop_members i JOIN interop_identities c ON c.contact = i.contact JOIN interop_providers v ON v.id = c.provider
       WHERE i.thread = :thread
       ORDER BY 4, 1`,
    );
    this.memberIdsOf = db
      .prepare<{ thread: string }, string>("SELECT account FROM participants WHERE thread = :thread UNION ALL SELECT contact FROM interop_members WHERE thread = :thread")
      .pluck();
    // A direct thread someone else opened but never wrote in is not in your inbox yet.
    this.ofAccount = db.prepare<{ account: string; at: number; key: string; limit: number }, ThreadRow>(
      `SELECT ${THREAD_COLUMNS.split(", ").map((c) => `t.${c}`).join(", ")}
       FROM participants p JOIN threads t ON t.key = p.thread
       WHERE p.account = :account
         AND (t.last_activity < :at OR (t.last_activity = :at AND t.key > :key))
         AND (t.kind = 'group' OR t.created_by = p.account OR EXISTS (SELECT 1 FROM messages m WHERE m.thread = t.key))
       ORDER BY t.last_activity DESC, t.key LIMIT :limit`,
    );
    this.insertContact = db.prepare<[string, string, number, number]>(
      "INSERT INTO interop_members (thread, contact, is_admin, joined_at) VALUES (?, ?, ?, ?)",
    );
    this.deleteParticipant = both(db, "DELETE FROM participants WHERE thread = ? AND account = ?", "DELETE FROM interop_members WHERE thread = ? AND contact = ?");
    this.updateAdmin = both(db, "UPDATE participants SET is_admin = ? WHERE thread = ? AND account = ?", "UPDATE interop_members SET is_admin = ? WHERE thread = ? AND contact = ?");
    this.updateName = db.prepare<[string | null, string]>("UPDATE threads SET name = ? WHERE key = ?");
    this.updateImage = db.prepare<[string | null, string]>("UPDATE threads SET image_media = ? WHERE key = ?");
    this.updateSettings = db.prepare<[number, string]>("UPDATE threads SET admin_only_edits = ? WHERE key = ?");
    this.updateActivity = db.prepare<[number, string]>("UPDATE threads SET last_activity = ? WHERE key = ?");
    this.raiseWatermark = both(
      db,
      "UPDATE participants SET read_watermark = MAX(read_watermark, ?) WHERE thread = ? AND account = ?",
      "UPDATE interop_members SET read_watermark = MAX(read_watermark, ?) WHERE thread = ? AND contact = ?",
    );
  }

  /**
   * Creates a thread with its participants: Messenger users (`members`) and third-party contacts
   * (`contacts`); `admins` must be among them.
   */
  create(key: string, kind: ThreadKind, creator: string, members: string[], admins: ReadonlySet<string>, name: string | null, at: number, contacts: readonly string[] = []): ThreadRow {
    this.insertThread.run(key, kind, name, creator, at, at);
    for (const member of members) this.insertParticipant.run(key, member, admins.has(member) ? 1 : 0, at);
    for (const contact of contacts) this.insertContact.run(key, contact, admins.has(contact) ? 1 : 0, at);
    return this.byKey.get(key)!;
  }

  get(key: string): ThreadRow | undefined {
    return this.byKey.get(key);
  }

  participants(key: string): ParticipantRow[] {
    return this.members.all({ thread: key });
  }

  memberIds(key: string): string[] {
    return this.memberIdsOf.all({ thread: key });
  }

  /** The account's threads, most recently active first, after the `after` thread in that order. */
  forAccount(account: string, limit: number, after?: { lastActivity: number; key: string }): ThreadRow[] {
    return this.ofAccount.all({ account, at: after?.lastActivity ?? Number.MAX_SAFE_INTEGER, key: after?.key ?? "", limit });
  }

  addParticipant(key: string, account: string, at: number): void {
    this.insertParticipant.run(key, account, 0, at);
  }

  addContact(key: string, contact: string, at: number): void {
    this.insertContact.run(key, contact, 0, at);
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

/**
 * One statement run on both member tables with the same arguments, for changes that apply to a
 * participant whichever kind they are (an id is in one table or the other, never both).
 */
function both<P extends unknown[]>(db: SimnetDatabase, native: string, contact: string): { run(...params: P): void } {
  const first = db.prepare<P>(native);
  const second = db.prepare<P>(contact);
  return {
    run(...params: P) {
      first.run(...params);
      second.run(...params);
    },
  };
}

function toWireParticipant(p: ParticipantRow): WireParticipant {
  const participant: WireParticipant = { id: p.account, name: p.name, is_admin: p.is_admin === 1, read_watermark: p.read_watermark };
  if (p.provider !== null) participant.third_party = thirdPartyOf(p);
  return participant;
}

/** The third-party marking of a contact's row (one whose `provider` is set). */
export function thirdPartyOf(p: ParticipantRow): NonNullable<WireParticipant["third_party"]> {
  return {
    contact_id: p.account,
    provider_id: p.provider!,
    provider_name: p.provider_name!,
    identity_id: p.identity!,
    name: p.name,
    network: p.network!,
    handle: p.handle!,
  };
}

export function toWireThread(thread: ThreadRow, participants: ParticipantRow[], viewer: string): WireThread {
  return {
    id: wireThreadId(thread.key, viewer),
    kind: thread.kind,
    name: thread.name,
    image_attachment_id: thread.image_media,
    admin_only_edits: thread.admin_only_edits === 1,
    participants: participants.map(toWireParticipant),
    created_at: thread.created_at,
    last_activity: thread.last_activity,
  };
}
