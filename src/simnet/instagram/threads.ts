/**
 * Threads and who is in them: direct threads (one per pair of people, found again rather than
 * duplicated) and groups with a title and admins. The inbox is the viewer's threads by last
 * activity, newest first, paged with an opaque cursor.
 */
import type { SimnetDatabase } from "../core/database.js";
import { badRequest } from "../core/protocol-error.js";
import { notFound } from "./errors.js";
import { newThreadId } from "./ids.js";
import type { IgThreadRecord } from "./protocol.js";

export type ThreadRow = IgThreadRecord;

export interface Participant {
  pk: string;
  isAdmin: boolean;
  joinedAt: number;
  seenItemId: string | null;
  seenAt: number | null;
}

interface ParticipantRow {
  pk: string;
  is_admin: number;
  joined_at: number;
  seen_item_id: string | null;
  seen_at: number | null;
}

const THREAD = "t.thread_id, t.kind, t.title, t.creator, t.created_at, t.last_activity_at";

export function encodeInboxCursor(thread: ThreadRow): string {
  return `${thread.last_activity_at}_${thread.thread_id}`;
}

function decodeInboxCursor(cursor: string): { activity: number; threadId: string } {
  const match = /^(\d{1,16})_(\d{1,40})$/.exec(cursor);
  if (!match) throw badRequest("invalid_cursor", "'cursor' is not a cursor this inbox handed out");
  return { activity: Number(match[1]), threadId: match[2]! };
}

export class Threads {
  private readonly s;

  constructor(
    db: SimnetDatabase,
    private readonly now: () => number,
  ) {
    this.s = {
      get: db.prepare<[string], ThreadRow>(`SELECT ${THREAD} FROM threads t WHERE t.thread_id = ?`),
      member: db.prepare<[string, string], ThreadRow>(
        `SELECT ${THREAD} FROM participants p JOIN threads t ON t.thread_id = p.thread_id WHERE p.thread_id = ? AND p.pk = ?`,
      ),
      participants: db.prepare<[string], ParticipantRow>(
        "SELECT pk, is_admin, joined_at, CAST(seen_item_id AS TEXT) AS seen_item_id, seen_at FROM participants WHERE thread_id = ? ORDER BY joined_at, pk",
      ),
      pks: db.prepare<[string], { pk: string }>("SELECT pk FROM participants WHERE thread_id = ?"),
      direct: db.prepare<[string, string], { thread_id: string }>("SELECT thread_id FROM direct_pairs WHERE low = ? AND high = ?"),
      insertThread: db.prepare<[string, string, string | null, string, number, number]>(
        "INSERT INTO threads (thread_id, kind, title, creator, created_at, last_activity_at) VALUES (?, ?, ?, ?, ?, ?)",
      ),
      insertPair: db.prepare<[string, string, string]>("INSERT INTO direct_pairs (low, high, thread_id) VALUES (?, ?, ?)"),
      insertMember: db.prepare<[string, string, number, number]>("INSERT INTO participants (thread_id, pk, is_admin, joined_at) VALUES (?, ?, ?, ?)"),
      removeMember: db.prepare<[string, string]>("DELETE FROM participants WHERE thread_id = ? AND pk = ?"),
      setAdmin: db.prepare<[number, string, string]>("UPDATE participants SET is_admin = ? WHERE thread_id = ? AND pk = ?"),
      setTitle: db.prepare<[string | null, string]>("UPDATE threads SET title = ? WHERE thread_id = ?"),
      touch: db.prepare<[number, string]>("UPDATE threads SET last_activity_at = ? WHERE thread_id = ?"),
      setSeen: db.prepare<[bigint, number, string, string, bigint]>(
        "UPDATE participants SET seen_item_id = ?, seen_at = ? WHERE thread_id = ? AND pk = ? AND (seen_item_id IS NULL OR seen_item_id < ?)",
      ),
      inboxFirst: db.prepare<[string, number], ThreadRow>(
        `SELECT ${THREAD} FROM participants p JOIN threads t ON t.thread_id = p.thread_id WHERE p.pk = ?
         ORDER BY t.last_activity_at DESC, t.thread_id DESC LIMIT ?`,
      ),
      inboxAfter: db.prepare<[string, number, number, string, number], ThreadRow>(
        `SELECT ${THREAD} FROM participants p JOIN threads t ON t.thread_id = p.thread_id
         WHERE p.pk = ? AND (t.last_activity_at < ? OR (t.last_activity_at = ? AND t.thread_id < ?))
         ORDER BY t.last_activity_at DESC, t.thread_id DESC LIMIT ?`,
      ),
      coParticipants: db.prepare<[string], { pk: string }>(
        "SELECT DISTINCT other.pk FROM participants mine JOIN participants other ON other.thread_id = mine.thread_id WHERE mine.pk = ? AND other.pk <> mine.pk",
      ),
    };
  }

  get(threadId: string): ThreadRow | undefined {
    return this.s.get.get(threadId);
  }

  /** The thread if `pk` is in it; otherwise it does not exist as far as they can tell. */
  requireMember(threadId: string, pk: string): ThreadRow {
    const thread = this.s.member.get(threadId, pk);
    if (!thread) throw notFound("thread_not_found", `Thread not found: ${threadId}`);
    return thread;
  }

  participants(threadId: string): Participant[] {
    return this.s.participants.all(threadId).map((row) => ({
      pk: row.pk,
      isAdmin: row.is_admin === 1,
      joinedAt: row.joined_at,
      seenItemId: row.seen_item_id,
      seenAt: row.seen_at,
    }));
  }

  memberPks(threadId: string): string[] {
    return this.s.pks.all(threadId).map((row) => row.pk);
  }

  /** The thread's members, if `pk` is one of them (one query on the send path). */
  requireMembers(threadId: string, pk: string): string[] {
    const members = this.memberPks(threadId);
    if (!members.includes(pk)) throw notFound("thread_not_found", `Thread not found: ${threadId}`);
    return members;
  }

  findDirect(a: string, b: string): string | undefined {
    const [low, high] = a < b ? [a, b] : [b, a];
    return this.s.direct.get(low, high)?.thread_id;
  }

  create(kind: "direct" | "group", creator: string, title: string | null, members: { pk: string; isAdmin: boolean }[]): string {
    const threadId = newThreadId();
    const now = this.now();
    this.s.insertThread.run(threadId, kind, title, creator, now, now);
    for (const member of members) this.s.insertMember.run(threadId, member.pk, member.isAdmin ? 1 : 0, now);
    if (kind === "direct") {
      const [a, b] = members.map((m) => m.pk).sort();
      this.s.insertPair.run(a!, b!, threadId);
    }
    return threadId;
  }

  addMember(threadId: string, pk: string): void {
    this.s.insertMember.run(threadId, pk, 0, this.now());
  }

  removeMember(threadId: string, pk: string): void {
    this.s.removeMember.run(threadId, pk);
  }

  setAdmin(threadId: string, pk: string, admin: boolean): void {
    this.s.setAdmin.run(admin ? 1 : 0, threadId, pk);
  }

  setTitle(threadId: string, title: string | null): void {
    this.s.setTitle.run(title, threadId);
  }

  touch(threadId: string, at: number): void {
    this.s.touch.run(at, threadId);
  }

  /** Moves `pk`'s seen marker forward to `itemId`; false if it was already there or past it. */
  setSeen(threadId: string, pk: string, itemId: bigint, at: number): boolean {
    return this.s.setSeen.run(itemId, at, threadId, pk, itemId).changes > 0;
  }

  /** One page of the inbox plus one row more, so the caller knows whether there are older ones. */
  inboxPage(pk: string, cursor: string | undefined, limit: number): ThreadRow[] {
    if (cursor === undefined) return this.s.inboxFirst.all(pk, limit + 1);
    const { activity, threadId } = decodeInboxCursor(cursor);
    return this.s.inboxAfter.all(pk, activity, activity, threadId, limit + 1);
  }

  /** Everyone who shares at least one thread with `pk`. */
  coParticipants(pk: string): string[] {
    return this.s.coParticipants.all(pk).map((row) => row.pk);
  }
}
