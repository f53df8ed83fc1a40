import type Database from "better-sqlite3";
import type { ChatKind, NetworkId } from "../../network/ids.js";

export interface PortalKey {
  network: NetworkId;
  chatId: string;
  /** The logged-in account's remote id for direct chats; '' for groups. */
  receiver: string;
}

export interface PortalRecord extends PortalKey {
  id: number;
  kind: ChatKind;
  roomId: string | undefined;
  name: string | undefined;
  topic: string | undefined;
  avatarId: string | undefined;
  avatarMxc: string | undefined;
  relayLoginId: number | undefined;
}

interface Row {
  id: number;
  network: NetworkId;
  chat_id: string;
  receiver: string;
  kind: ChatKind;
  room_id: string | null;
  name: string | null;
  topic: string | null;
  avatar_id: string | null;
  avatar_mxc: string | null;
  relay_login_id: number | null;
}

const toRecord = (row: Row): PortalRecord => ({
  id: row.id,
  network: row.network,
  chatId: row.chat_id,
  receiver: row.receiver,
  kind: row.kind,
  roomId: row.room_id ?? undefined,
  name: row.name ?? undefined,
  topic: row.topic ?? undefined,
  avatarId: row.avatar_id ?? undefined,
  avatarMxc: row.avatar_mxc ?? undefined,
  relayLoginId: row.relay_login_id ?? undefined,
});

export type PortalInfo = Pick<PortalRecord, "name" | "topic" | "avatarId" | "avatarMxc">;

/** Portals, and which logins are in each portal's chat. */
export class PortalRepository {
  private readonly byKey: Database.Statement<[string, string, string], Row>;
  private readonly byId: Database.Statement<[number], Row>;
  private readonly byRoom: Database.Statement<[string], Row>;
  private readonly insert: Database.Statement<[string, string, string, string, number], Row>;
  private readonly updateRoom: Database.Statement<[string | null, number]>;
  private readonly updateInfo: Database.Statement<[string | null, string | null, string | null, string | null, number]>;
  private readonly updateRelay: Database.Statement<[number | null, number]>;
  private readonly addLogin: Database.Statement<[number, number]>;
  private readonly removeLogin: Database.Statement<[number, number]>;
  private readonly loginsOf: Database.Statement<[number], number>;
  private readonly portalsOfLogin: Database.Statement<[number], Row>;

  constructor(db: Database.Database) {
    this.byKey = db.prepare("SELECT * FROM portals WHERE network = ? AND chat_id = ? AND receiver = ?");
    this.byId = db.prepare("SELECT * FROM portals WHERE id = ?");
    this.byRoom = db.prepare("SELECT * FROM portals WHERE room_id = ? ORDER BY id");
    this.insert = db.prepare(
      `INSERT INTO portals (network, chat_id, receiver, kind, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (network, chat_id, receiver) DO UPDATE SET kind = kind
       RETURNING *`,
    );
    this.updateRoom = db.prepare("UPDATE portals SET room_id = ? WHERE id = ?");
    this.updateInfo = db.prepare("UPDATE portals SET name = ?, topic = ?, avatar_id = ?, avatar_mxc = ? WHERE id = ?");
    this.updateRelay = db.prepare("UPDATE portals SET relay_login_id = ? WHERE id = ?");
    this.addLogin = db.prepare("INSERT OR IGNORE INTO portal_logins (portal_id, login_id) VALUES (?, ?)");
    this.removeLogin = db.prepare("DELETE FROM portal_logins WHERE portal_id = ? AND login_id = ?");
    this.loginsOf = db.prepare<[number], number>("SELECT login_id FROM portal_logins WHERE portal_id = ? ORDER BY login_id").pluck();
    this.portalsOfLogin = db.prepare(
      "SELECT p.* FROM portals p JOIN portal_logins l ON l.portal_id = p.id WHERE l.login_id = ? ORDER BY p.id",
    );
  }

  find(key: PortalKey): PortalRecord | undefined {
    const row = this.byKey.get(key.network, key.chatId, key.receiver);
    return row && toRecord(row);
  }

  get(id: number): PortalRecord | undefined {
    const row = this.byId.get(id);
    return row && toRecord(row);
  }

  findByRoom(roomId: string): PortalRecord[] {
    return this.byRoom.all(roomId).map(toRecord);
  }

  /** The portal for a chat, created (without a room yet) if it is new. */
  ensure(key: PortalKey, kind: ChatKind, now = Date.now()): PortalRecord {
    const row = this.insert.get(key.network, key.chatId, key.receiver, kind, now);
    if (!row) throw new Error("storing the portal returned no row");
    return toRecord(row);
  }

  setRoom(id: number, roomId: string | undefined): void {
    this.updateRoom.run(roomId ?? null, id);
  }

  setInfo(id: number, info: PortalInfo): void {
    this.updateInfo.run(info.name ?? null, info.topic ?? null, info.avatarId ?? null, info.avatarMxc ?? null, id);
  }

  setRelay(id: number, loginId: number | undefined): void {
    this.updateRelay.run(loginId ?? null, id);
  }

  addMember(portalId: number, loginId: number): void {
    this.addLogin.run(portalId, loginId);
  }

  removeMember(portalId: number, loginId: number): void {
    this.removeLogin.run(portalId, loginId);
  }

  loginIds(portalId: number): number[] {
    return this.loginsOf.all(portalId);
  }

  listForLogin(loginId: number): PortalRecord[] {
    return this.portalsOfLogin.all(loginId).map(toRecord);
  }
}
