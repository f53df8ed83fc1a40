/**
 * Accounts: the stable pk, the changeable username (lowercased, unique, Instagram's character
 * rules), full name, avatar, password, the admin's checkpoint flag, and the devices that have
 * passed a checkpoint. Rendered users are cached, since every thread view names its members.
 */
import type { SimnetDatabase } from "../core/database.js";
import { hashPassword } from "../core/credentials.js";
import { badRequest } from "../core/protocol-error.js";
import { notFound } from "./errors.js";
import { pkFromSequence } from "./ids.js";
import { API, ERRORS, LIMITS, USERNAME_PATTERN, type IgUser } from "./protocol.js";

export interface Account {
  pk: string;
  username: string;
  fullName: string;
  passwordHash: string;
  avatarId: string | null;
  checkpoint: boolean;
  createdAt: number;
}

interface Row {
  pk: string;
  username: string;
  full_name: string;
  password_hash: string;
  avatar_id: string | null;
  checkpoint: number;
  created_at: number;
}

const COLUMNS = "pk, username, full_name, password_hash, avatar_id, checkpoint, created_at";
const toAccount = (row: Row): Account => ({
  pk: row.pk,
  username: row.username,
  fullName: row.full_name,
  passwordHash: row.password_hash,
  avatarId: row.avatar_id,
  checkpoint: row.checkpoint === 1,
  createdAt: row.created_at,
});

export const uploadUrl = (id: string) => `${API}/uploads/${id}/`;

export function normaliseUsername(raw: string): string {
  const username = raw.trim().toLowerCase();
  if (!USERNAME_PATTERN.test(username)) {
    throw badRequest(
      "invalid_username",
      "Usernames can only use letters, numbers, underscores and periods (1-30 characters, not only numbers, no period at either end or twice in a row).",
    );
  }
  return username;
}

export function checkFullName(name: string): string {
  const trimmed = name.trim();
  if ([...trimmed].length > LIMITS.fullNameMaxChars || /\p{Cc}/u.test(trimmed)) {
    throw badRequest("invalid_full_name", `a full name has at most ${LIMITS.fullNameMaxChars} characters and no control characters`);
  }
  return trimmed;
}

export class Accounts {
  private readonly users = new Map<string, IgUser>();
  private readonly statements;

  constructor(
    private readonly db: SimnetDatabase,
    private readonly now: () => number,
  ) {
    this.statements = {
      insert: db.prepare<[string, string, string, string | null, number, number]>(
        "INSERT INTO accounts (pk, username, full_name, password_hash, avatar_id, checkpoint, created_at) VALUES ('', ?, ?, ?, ?, ?, ?)",
      ),
      setPk: db.prepare<[string, number | bigint]>("UPDATE accounts SET pk = ? WHERE sequence = ?"),
      byPk: db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM accounts WHERE pk = ?`),
      byUsername: db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM accounts WHERE username = ?`),
      all: db.prepare<[], Row>(`SELECT ${COLUMNS} FROM accounts ORDER BY sequence`),
      rename: db.prepare<[string, string]>("UPDATE accounts SET username = ? WHERE pk = ?"),
      logChange: db.prepare<[string, string, string, number]>("INSERT INTO username_changes (pk, old_username, new_username, at) VALUES (?, ?, ?, ?)"),
      recentChanges: db.prepare<[string, number], { n: number }>("SELECT COUNT(*) AS n FROM username_changes WHERE pk = ? AND at > ?"),
      setFullName: db.prepare<[string, string]>("UPDATE accounts SET full_name = ? WHERE pk = ?"),
      setAvatar: db.prepare<[string, string]>("UPDATE accounts SET avatar_id = ? WHERE pk = ?"),
      setCheckpoint: db.prepare<[number, string]>("UPDATE accounts SET checkpoint = ? WHERE pk = ?"),
      trust: db.prepare<[string, string, number]>("INSERT OR IGNORE INTO trusted_devices (pk, device_id, at) VALUES (?, ?, ?)"),
      trusted: db.prepare<[string, string], { at: number }>("SELECT at FROM trusted_devices WHERE pk = ? AND device_id = ?"),
    };
  }

  create(spec: { username: string; fullName: string; password: string; avatarId?: string | null; checkpoint?: boolean }): Account {
    const username = normaliseUsername(spec.username);
    this.requireFree(username);
    if (spec.password.length < LIMITS.passwordMinChars || spec.password.length > LIMITS.passwordMaxChars) {
      throw badRequest("invalid_password", `a password has ${LIMITS.passwordMinChars} to ${LIMITS.passwordMaxChars} characters`);
    }
    const fullName = checkFullName(spec.fullName);
    const s = this.statements;
    const passwordHash = hashPassword(spec.password);
    // The pk derives from the row's sequence number, known only once the row is in.
    const pk = this.db.transaction(() => {
      const { lastInsertRowid } = s.insert.run(username, fullName, passwordHash, spec.avatarId ?? null, spec.checkpoint ? 1 : 0, this.now());
      const assigned = pkFromSequence(Number(lastInsertRowid));
      s.setPk.run(assigned, lastInsertRowid);
      return assigned;
    })();
    return this.byPk(pk)!;
  }

  byPk(pk: string): Account | undefined {
    const row = this.statements.byPk.get(pk);
    return row ? toAccount(row) : undefined;
  }

  /** Only the current username resolves: an old one belongs to nobody. */
  byUsername(username: string): Account | undefined {
    const row = this.statements.byUsername.get(username.trim().toLowerCase());
    return row ? toAccount(row) : undefined;
  }

  private requireFree(username: string): void {
    if (this.byUsername(username)) throw badRequest(ERRORS.usernameTaken, `This username isn't available: ${username}`);
  }

  /** A pk (digits only) or a username. */
  require(ref: string): Account {
    const account = /^\d+$/.test(ref) ? this.byPk(ref) : this.byUsername(ref);
    if (!account) throw notFound("user_not_found", `User not found: ${ref}`);
    return account;
  }

  list(): Account[] {
    return this.statements.all.all().map(toAccount);
  }

  /** Changes the username; `limited` applies Instagram's "twice in 14 days" rule. Returns false if unchanged. */
  rename(pk: string, raw: string, limited: boolean): boolean {
    const account = this.require(pk);
    const username = normaliseUsername(raw);
    if (username === account.username) return false;
    this.requireFree(username);
    const now = this.now();
    if (limited && (this.statements.recentChanges.get(pk, now - LIMITS.usernameChangeWindowMs)?.n ?? 0) >= LIMITS.usernameChanges) {
      throw badRequest("username_change_limit", `You can only change your username ${LIMITS.usernameChanges} times within 14 days.`);
    }
    this.statements.rename.run(username, pk);
    this.statements.logChange.run(pk, account.username, username, now);
    this.users.delete(pk);
    return true;
  }

  setFullName(pk: string, fullName: string): void {
    this.statements.setFullName.run(checkFullName(fullName), pk);
    this.users.delete(pk);
  }

  setAvatar(pk: string, avatarId: string): void {
    this.statements.setAvatar.run(avatarId, pk);
    this.users.delete(pk);
  }

  setCheckpoint(pk: string, flagged: boolean): void {
    this.statements.setCheckpoint.run(flagged ? 1 : 0, pk);
  }

  trustDevice(pk: string, deviceId: string): void {
    this.statements.trust.run(pk, deviceId, this.now());
  }

  isTrusted(pk: string, deviceId: string): boolean {
    return this.statements.trusted.get(pk, deviceId) !== undefined;
  }

  /** The user as others see them. */
  user(pk: string): IgUser {
    let user = this.users.get(pk);
    if (!user) {
      user = renderUser(this.require(pk));
      this.users.set(pk, user);
    }
    return user;
  }
}

export function renderUser(account: Account): IgUser {
  return {
    pk: account.pk,
    pk_id: account.pk,
    username: account.username,
    full_name: account.fullName,
    profile_pic_url: account.avatarId ? uploadUrl(account.avatarId) : null,
    profile_pic_id: account.avatarId,
    is_private: false,
    is_verified: false,
  };
}
