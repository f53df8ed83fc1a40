/**
 * Accounts (a phone number with a push name) and their devices. A device row holds the device's
 * X25519 public key only; private keys never leave the client. Device lists are cached in memory
 * because every send checks them, and this class is the only writer.
 */
import type { SimnetDatabase } from "../core/database.js";
import { deviceJid, phoneOf, userJid, type AccountInfo, type DeviceInfo } from "./protocol.js";
import { conflict, notFound } from "./errors.js";
import { isProviderDeviceJid } from "./interop-protocol.js";

interface AccountRow {
  jid: string;
  phone: string;
  push_name: string;
  about: string;
  avatar: string | null;
  third_party_chats: number;
  discoverable_by_phone: number;
  created_at: number;
}

export interface DeviceRow {
  user: string;
  device: number;
  session_id: string;
  name: string;
  public_key: string;
  created_at: number;
}

export interface NewAccount {
  phone: string;
  pushName: string;
  about?: string;
  avatar?: string | null;
}

const ACCOUNT_COLUMNS = "jid, phone, push_name, about, avatar, third_party_chats, discoverable_by_phone, created_at";

export class Accounts {
  private readonly insert;
  private readonly byJid;
  private readonly all;
  private readonly setInterop;
  private readonly setProfile;
  private readonly bumpDevice;
  private readonly lastSeen;
  private readonly setLastSeenStmt;
  private readonly deviceCache = new Map<string, DeviceRow[]>();
  private readonly insertDevice;
  private readonly deleteDevice;
  private readonly devicesOf;
  private readonly deviceBySession;

  constructor(
    db: SimnetDatabase,
    private readonly now: () => number,
  ) {
    this.insert = db.prepare<[string, string, string, string, string | null, number]>(
      "INSERT INTO accounts (jid, phone, push_name, about, avatar, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.byJid = db.prepare<[string], AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE jid = ?`);
    this.all = db.prepare<[], AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts ORDER BY created_at, jid`);
    this.setInterop = db.prepare<[number | null, number | null, string]>(
      "UPDATE accounts SET third_party_chats = COALESCE(?, third_party_chats), discoverable_by_phone = COALESCE(?, discoverable_by_phone) WHERE jid = ?",
    );
    this.setProfile = db.prepare<[string | null, string | null, string]>(
      "UPDATE accounts SET push_name = COALESCE(?, push_name), about = COALESCE(?, about) WHERE jid = ?",
    );
    this.bumpDevice = db.prepare<[string], { device: number }>(
      "UPDATE accounts SET next_device = next_device + 1 WHERE jid = ? RETURNING next_device - 1 AS device",
    );
    this.lastSeen = db.prepare<[string], { last_seen: number | null }>("SELECT last_seen FROM accounts WHERE jid = ?");
    this.setLastSeenStmt = db.prepare<[number, string]>("UPDATE accounts SET last_seen = ? WHERE jid = ?");
    this.insertDevice = db.prepare<[string, number, string, string, string, number]>(
      "INSERT INTO devices (user, device, session_id, name, public_key, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.deleteDevice = db.prepare<[string, number]>("DELETE FROM devices WHERE user = ? AND device = ?");
    this.devicesOf = db.prepare<[string], DeviceRow>("SELECT * FROM devices WHERE user = ? ORDER BY device");
    this.deviceBySession = db.prepare<[string], DeviceRow>("SELECT * FROM devices WHERE session_id = ?");
  }

  create(account: NewAccount): AccountInfo {
    const jid = userJid(account.phone);
    if (this.byJid.get(jid)) throw conflict("account_exists", `${account.phone} already has an account`);
    this.insert.run(jid, account.phone, account.pushName, account.about ?? "Hey there! I am using WhatsApp.", account.avatar ?? null, this.now());
    return this.require(jid);
  }

  get(jid: string): AccountInfo | undefined {
    const row = this.byJid.get(jid);
    return row && this.info(row);
  }

  require(jid: string): AccountInfo {
    const account = this.get(jid);
    if (!account) throw notFound("not_on_whatsapp", `${jid} is not on WhatsApp`);
    return account;
  }

  list(): AccountInfo[] {
    return this.all.all().map((row) => this.info(row));
  }

  /** The third-party chats settings; a setting left out keeps its value. */
  setInteropSettings(jid: string, settings: { third_party_chats?: boolean | undefined; discoverable_by_phone?: boolean | undefined }): void {
    const flag = (value: boolean | undefined) => (value === undefined ? null : value ? 1 : 0);
    this.setInterop.run(flag(settings.third_party_chats), flag(settings.discoverable_by_phone), jid);
  }

  updateProfile(jid: string, profile: { pushName?: string | undefined; about?: string | undefined }): void {
    this.setProfile.run(profile.pushName ?? null, profile.about ?? null, jid);
  }

  getLastSeen(jid: string): number | undefined {
    return this.lastSeen.get(jid)?.last_seen ?? undefined;
  }

  setLastSeen(jid: string, at: number): void {
    this.setLastSeenStmt.run(at, jid);
  }

  /** A fresh companion device number; numbers are never reused, as on WhatsApp. */
  allocateDevice(jid: string): number {
    return this.bumpDevice.get(jid)?.device ?? 1;
  }

  devices(user: string): DeviceRow[] {
    let rows = this.deviceCache.get(user);
    if (!rows) {
      rows = this.devicesOf.all(user);
      this.deviceCache.set(user, rows);
    }
    return rows;
  }

  deviceOfSession(sessionId: string): DeviceRow | undefined {
    return this.deviceBySession.get(sessionId);
  }

  addDevice(row: Omit<DeviceRow, "created_at">): DeviceRow {
    const created = { ...row, created_at: this.now() };
    this.insertDevice.run(row.user, row.device, row.session_id, row.name, row.public_key, created.created_at);
    this.deviceCache.delete(row.user);
    return created;
  }

  removeDevice(user: string, device: number): void {
    this.deleteDevice.run(user, device);
    this.deviceCache.delete(user);
  }

  private info(row: AccountRow): AccountInfo {
    return {
      jid: row.jid,
      phone: row.phone,
      push_name: row.push_name,
      about: row.about,
      avatar: row.avatar,
      registered: this.devices(row.jid).some((d) => d.device === 0),
      third_party_chats: row.third_party_chats === 1,
      discoverable_by_phone: row.discoverable_by_phone === 1,
      created_at: row.created_at,
    };
  }
}

export function deviceInfo(row: DeviceRow): DeviceInfo {
  // A provider's device row carries its device JID as the user (see interop/providers.ts).
  const jid = isProviderDeviceJid(row.user) ? row.user : deviceJid(phoneOf(row.user), row.device);
  return { jid, device: row.device, public_key: row.public_key };
}

/** A device as its own user (or the admin) sees it: with its name and when it was linked. */
export function linkedDeviceInfo(row: DeviceRow): DeviceInfo & { name: string; linked_at: number } {
  return { ...deviceInfo(row), name: row.name, linked_at: row.created_at };
}
