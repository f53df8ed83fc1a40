/**
 * Which chats are third-party ones, and whose. A third-party group is an ordinary group (its
 * members, roles and rules are the group tables') marked with its provider; which groups are
 * marked is kept in memory, because every send to a group asks. A third-party direct chat is a
 * pair of one user and one identity with an id of its own for the provider (the app calls it by
 * the identity's JID, as it calls any direct chat by the other person's JID).
 */
import { randomBytes } from "node:crypto";
import type { SimnetDatabase } from "../../core/database.js";
import { INTEROP_SERVER } from "../interop-protocol.js";

export interface DirectRow {
  id: string;
  provider: string;
  creator: string;
  native: string;
  identity: string;
  active: number;
  created_at: number;
}

export interface InteropChatRow {
  id: string;
  provider: string;
  kind: "direct" | "group";
  creator: string;
  native: string | null;
  identity: string | null;
  active: number;
  created_at: number;
}

export class InteropChats {
  private readonly groups = new Map<string, string>();
  private readonly insert;
  private readonly byId;
  private readonly byPair;
  private readonly setActive;
  private readonly directsOfUser;
  private readonly directsOfIdentity;
  private readonly groupsOfMember;
  private readonly all;

  constructor(
    db: SimnetDatabase,
    private readonly now: () => number,
  ) {
    this.insert = db.prepare<[string, string, string, string, string | null, string | null, number]>(
      "INSERT INTO interop_chats (id, provider, kind, creator, native, identity, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    this.byId = db.prepare<[string], InteropChatRow>("SELECT * FROM interop_chats WHERE id = ?");
    this.byPair = db.prepare<[string, string], DirectRow>("SELECT * FROM interop_chats WHERE kind = 'direct' AND native = ? AND identity = ?");
    this.setActive = db.prepare<[number, string]>("UPDATE interop_chats SET active = ? WHERE id = ?");
    this.directsOfUser = db.prepare<[string], DirectRow>("SELECT * FROM interop_chats WHERE kind = 'direct' AND native = ? AND active = 1 ORDER BY created_at");
    this.directsOfIdentity = db.prepare<[string], DirectRow>("SELECT * FROM interop_chats WHERE kind = 'direct' AND identity = ? AND active = 1 ORDER BY created_at");
    this.groupsOfMember = db.prepare<[string], { id: string }>(
      `SELECT c.id FROM interop_chats c JOIN group_members m ON m.group_jid = c.id
       WHERE c.kind = 'group' AND m.user = ? ORDER BY m.added_at, c.id`,
    );
    this.all = db.prepare<[], InteropChatRow>("SELECT * FROM interop_chats ORDER BY created_at, id");
    for (const row of db.prepare<[], { id: string; provider: string }>("SELECT id, provider FROM interop_chats WHERE kind = 'group'").all()) {
      this.groups.set(row.id, row.provider);
    }
  }

  /** The provider of a third-party group; undefined for every other group. */
  groupProvider(group: string): string | undefined {
    return this.groups.get(group);
  }

  markGroup(group: string, provider: string, creator: string): void {
    this.insert.run(group, provider, "group", creator, null, null, this.now());
    this.groups.set(group, provider);
  }

  get(id: string): InteropChatRow | undefined {
    return this.byId.get(id);
  }

  direct(native: string, identity: string): DirectRow | undefined {
    return this.byPair.get(native, identity);
  }

  /** The pair's chat, made or (after an opt-out) made active again; `fresh` when that changed anything. */
  openDirect(provider: string, native: string, identity: string, creator: string): { row: DirectRow; fresh: boolean } {
    const existing = this.direct(native, identity);
    if (existing?.active) return { row: existing, fresh: false };
    if (existing) this.setActive.run(1, existing.id);
    else this.insert.run(`d${randomBytes(8).toString("hex")}@${INTEROP_SERVER}`, provider, "direct", creator, native, identity, this.now());
    return { row: this.direct(native, identity) as DirectRow, fresh: true };
  }

  closeDirect(id: string): void {
    this.setActive.run(0, id);
  }

  activeDirectsOf(native: string): DirectRow[] {
    return this.directsOfUser.all(native);
  }

  activeDirectsOfIdentity(identity: string): DirectRow[] {
    return this.directsOfIdentity.all(identity);
  }

  /** The third-party groups someone (a user or an identity) is in. */
  groupsOf(member: string): string[] {
    return this.groupsOfMember.all(member).map((row) => row.id);
  }

  list(): InteropChatRow[] {
    return this.all.all();
  }
}
