/**
 * Chats as the server knows them: groups with their participants and roles, and direct chats
 * (which WhatsApp never "creates": a pair is recorded the first time either writes, so chat lists
 * can be served). `resolve` turns the `to` of a request into a chat the sender may write to.
 * Third-party chats (interop/) are chats too: a group marked with its provider, or a direct chat
 * with an identity's JID; `thirdParty` on a chat says which provider takes part.
 */
import { randomInt } from "node:crypto";
import type { SimnetDatabase } from "../core/database.js";
import { badRequest } from "../core/protocol-error.js";
import type { Accounts } from "./accounts.js";
import { directChatKey, GROUP_PREFIX, isGroupJid, isUserJid, type ChatSummary, type GroupInfo } from "./protocol.js";
import { forbidden, notFound } from "./errors.js";
import { isIdentityJid, type ThirdPartyMark } from "./interop-protocol.js";

export type Role = "superadmin" | "admin" | "member";

interface GroupRow {
  jid: string;
  subject: string;
  description: string;
  picture: string | null;
  creator: string;
  announce: number;
  restrict_info: number;
  created_at: number;
}

/** A third-party chat: its id for the provider (a group's JID, or the direct chat's own id) and the provider. */
export interface ThirdPartyRef {
  id: string;
  provider: string;
}

export type ChatRef =
  | { kind: "direct"; key: string; peer: string; users: string[]; thirdParty?: ThirdPartyRef }
  | { kind: "group"; key: string; group: string; users: string[]; role: Role; thirdParty?: ThirdPartyRef };

/** What chats need to know of third-party chats (implemented in interop/state.ts). */
export interface ThirdPartyView {
  /** A user's direct chat with a third-party identity, or why they may not write to it. */
  direct(user: string, identity: string): ChatRef;
  groupRef(group: string): ThirdPartyRef | undefined;
  /** How the app marks the third-party people among these JIDs. */
  marks(jids: string[]): (ThirdPartyMark & { jid: string })[];
}

export type GroupField = "subject" | "description" | "picture" | "announce" | "restrict_info";

export class Chats {
  private readonly known = new Set<string>();
  private readonly insertDirect;
  private readonly directOf;
  private readonly groupsOf;
  private readonly selectGroup;
  private readonly insertGroup;
  private readonly selectMembers;
  private readonly upsertMember;
  private readonly deleteMember;
  private readonly deleteDirect;
  private readonly updateField: Record<GroupField, (value: string | number | null, group: string) => void>;

  constructor(
    db: SimnetDatabase,
    private readonly accounts: Accounts,
    private readonly thirdParty: ThirdPartyView,
    private readonly now: () => number,
  ) {
    this.insertDirect = db.prepare<[string, string, number]>("INSERT OR IGNORE INTO direct_chats (owner, peer, created_at) VALUES (?, ?, ?)");
    this.directOf = db.prepare<[string], { peer: string }>("SELECT peer FROM direct_chats WHERE owner = ? ORDER BY created_at, peer");
    this.groupsOf = db.prepare<[string], { group_jid: string }>("SELECT group_jid FROM group_members WHERE user = ? ORDER BY added_at, group_jid");
    this.selectGroup = db.prepare<[string], GroupRow>("SELECT * FROM groups WHERE jid = ?");
    this.insertGroup = db.prepare<[string, string, string, number]>("INSERT INTO groups (jid, subject, creator, created_at) VALUES (?, ?, ?, ?)");
    this.selectMembers = db.prepare<[string], { user: string; role: Role }>("SELECT user, role FROM group_members WHERE group_jid = ? ORDER BY added_at, rowid");
    this.upsertMember = db.prepare<[string, string, string, number]>(
      `INSERT INTO group_members (group_jid, user, role, added_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (group_jid, user) DO UPDATE SET role = excluded.role`,
    );
    this.deleteMember = db.prepare<[string, string]>("DELETE FROM group_members WHERE group_jid = ? AND user = ?");
    this.deleteDirect = db.prepare<[string, string]>("DELETE FROM direct_chats WHERE owner = ? AND peer = ?");
    const update = (column: GroupField) => {
      const statement = db.prepare<[string | number | null, string]>(`UPDATE groups SET ${column} = ? WHERE jid = ?`);
      return (value: string | number | null, group: string) => void statement.run(value, group);
    };
    this.updateField = { subject: update("subject"), description: update("description"), picture: update("picture"), announce: update("announce"), restrict_info: update("restrict_info") };
  }

  /** The chat `to` names, for `user` to act in; refuses unknown chats and non-participants. */
  resolve(user: string, to: string): ChatRef {
    if (isUserJid(to)) {
      this.accounts.require(to);
      return { kind: "direct", key: directChatKey(user, to), peer: to, users: user === to ? [user] : [user, to] };
    }
    if (isIdentityJid(to)) return this.thirdParty.direct(user, to);
    if (!isGroupJid(to)) throw badRequest("invalid_jid", `'${to}' is neither a user JID (…@s.whatsapp.net) nor a group JID (120363…@g.us)`);
    const members = this.members(to);
    const role = members.find((m) => m.user === user)?.role;
    if (!role) throw forbidden("not_a_participant", `you are not a participant of ${to}`);
    const thirdParty = this.thirdParty.groupRef(to);
    return { kind: "group", key: to, group: to, users: members.map((m) => m.user), role, ...(thirdParty ? { thirdParty } : {}) };
  }

  /** The chat as `viewer` calls it: a group's JID, or the other person's JID. */
  nameFor(chat: ChatRef, viewer: string, sender: string): string {
    if (chat.kind === "group") return chat.group;
    return viewer === sender ? chat.peer : sender;
  }

  /** Records a direct chat for both sides (cheap after the first time). */
  ensureDirect(a: string, b: string): void {
    const key = directChatKey(a, b);
    if (this.known.has(key)) return;
    const at = this.now();
    this.insertDirect.run(a, b, at);
    if (a !== b) this.insertDirect.run(b, a, at);
    this.known.add(key);
  }

  /** Takes a direct chat off both sides' chat lists (a third-party chat the user left). */
  forgetDirect(a: string, b: string): void {
    this.deleteDirect.run(a, b);
    this.deleteDirect.run(b, a);
    this.known.delete(directChatKey(a, b));
  }

  list(user: string): ChatSummary[] {
    const direct = this.directOf.all(user).map(({ peer }): ChatSummary => {
      const [mark] = this.thirdParty.marks([peer]);
      const title = mark?.name ?? this.accounts.get(peer)?.push_name ?? peer;
      return { jid: peer, kind: "direct", title, members: [peer], ...(mark ? { third_party: [mark] } : {}) };
    });
    const groups = this.groupsOf.all(user).map(({ group_jid }): ChatSummary => {
      const info = this.requireGroup(group_jid);
      const members = info.participants.map((p) => p.jid).filter((j) => j !== user);
      const marks = this.thirdParty.groupRef(group_jid) ? { third_party: this.thirdParty.marks(members) } : {};
      return { jid: info.jid, kind: "group", title: info.subject, members, ...marks };
    });
    return [...direct, ...groups];
  }

  members(group: string): { user: string; role: Role }[] {
    const members = this.selectMembers.all(group);
    if (members.length === 0 && !this.selectGroup.get(group)) throw notFound("group_not_found", `no group ${group}`);
    return members;
  }

  createGroup(creator: string, subject: string): string {
    const jid = `${GROUP_PREFIX}${String(randomInt(1e11, 1e12))}@g.us`;
    this.insertGroup.run(jid, subject, creator, this.now());
    this.upsertMember.run(jid, creator, "superadmin", this.now());
    return jid;
  }

  setMember(group: string, user: string, role: Role): void {
    this.upsertMember.run(group, user, role, this.now());
  }

  removeMember(group: string, user: string): void {
    this.deleteMember.run(group, user);
  }

  update(group: string, field: GroupField, value: string | number | null): void {
    this.updateField[field](value, group);
  }

  /** Whether only admins may send (one row read: the send path needs no member list). */
  isAnnounceOnly(group: string): boolean {
    return this.selectGroup.get(group)?.announce === 1;
  }

  requireGroup(jid: string): GroupInfo {
    const row = this.selectGroup.get(jid);
    if (!row) throw notFound("group_not_found", `no group ${jid}`);
    return {
      jid: row.jid,
      subject: row.subject,
      description: row.description,
      picture: row.picture,
      creator: row.creator,
      created_at: row.created_at,
      announce: row.announce === 1,
      restrict: row.restrict_info === 1,
      participants: this.selectMembers.all(jid).map((m) => ({ jid: m.user, role: m.role })),
    };
  }
}
