/** Accounts: numeric id, real full name, email (unique, case-insensitive), password, 2FA flag. */
import { hashPassword } from "../../core/credentials.js";
import type { SimnetDatabase } from "../../core/database.js";
import type { IdAllocator } from "../ids.js";
import type { WireAccount, WireUser } from "../protocol.js";

export interface AccountRow {
  id: string;
  name: string;
  email: string;
  password_hash: string;
  two_factor: number;
  avatar_media: string | null;
  created_at: number;
}

export interface NewAccount {
  name: string;
  email: string;
  password: string;
  twoFactor: boolean;
}

const COLUMNS = "id, name, email, password_hash, two_factor, avatar_media, created_at";

export class Accounts {
  private readonly insert;
  private readonly byId;
  private readonly byEmail;
  private readonly all;
  private readonly updateTwoFactor;
  private readonly updateAvatar;

  constructor(
    db: SimnetDatabase,
    private readonly ids: IdAllocator,
    private readonly now: () => number,
  ) {
    this.insert = db.prepare<[string, string, string, string, number, string | null, number]>(
      `INSERT INTO accounts (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.byId = db.prepare<[string], AccountRow>(`SELECT ${COLUMNS} FROM accounts WHERE id = ?`);
    this.byEmail = db.prepare<[string], AccountRow>(`SELECT ${COLUMNS} FROM accounts WHERE email = ?`);
    this.all = db.prepare<[], AccountRow>(`SELECT ${COLUMNS} FROM accounts ORDER BY created_at, id`);
    this.updateTwoFactor = db.prepare<[number, string]>("UPDATE accounts SET two_factor = ? WHERE id = ?");
    this.updateAvatar = db.prepare<[string | null, string]>("UPDATE accounts SET avatar_media = ? WHERE id = ?");
  }

  create(account: NewAccount): AccountRow {
    const row: AccountRow = {
      id: this.ids.account(),
      name: account.name,
      email: account.email,
      password_hash: hashPassword(account.password),
      two_factor: account.twoFactor ? 1 : 0,
      avatar_media: null,
      created_at: this.now(),
    };
    this.insert.run(row.id, row.name, row.email, row.password_hash, row.two_factor, row.avatar_media, row.created_at);
    return row;
  }

  get(id: string): AccountRow | undefined {
    return this.byId.get(id);
  }

  findByEmail(email: string): AccountRow | undefined {
    return this.byEmail.get(email);
  }

  list(): AccountRow[] {
    return this.all.all();
  }

  setTwoFactor(id: string, enabled: boolean): void {
    this.updateTwoFactor.run(enabled ? 1 : 0, id);
  }

  setAvatar(id: string, media: string | null): void {
    this.updateAvatar.run(media, id);
  }
}

export function toWireUser(row: AccountRow): WireUser {
  return { id: row.id, name: row.name, avatar_attachment_id: row.avatar_media };
}

export function toWireAccount(row: AccountRow): WireAccount {
  return { ...toWireUser(row), email: row.email, two_factor_enabled: row.two_factor === 1, created_at: row.created_at };
}
