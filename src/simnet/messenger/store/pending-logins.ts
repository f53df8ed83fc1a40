/**
 * Password logins waiting for their two-factor code. The login token is kept as a hash; the
 * code in clear, because the admin API shows it (it stands in for the SMS or authenticator app).
 */
import { hashToken } from "../../core/credentials.js";
import type { SimnetDatabase } from "../../core/database.js";

export interface PendingLogin {
  account: string;
  email: string;
  code: string;
  device_name: string;
  created_at: number;
  expires_at: number;
}

const SELECT = `SELECT p.account, a.email, p.code, p.device_name, p.created_at, p.expires_at
  FROM pending_logins p JOIN accounts a ON a.id = p.account`;

export class PendingLogins {
  private readonly insert;
  private readonly byToken;
  private readonly remove;
  private readonly removeExpired;
  private readonly forAccount;

  constructor(db: SimnetDatabase) {
    this.insert = db.prepare<[string, string, string, string, number, number]>(
      "INSERT INTO pending_logins (token_hash, account, code, device_name, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.byToken = db.prepare<[string], PendingLogin>(`${SELECT} WHERE p.token_hash = ?`);
    this.remove = db.prepare<[string]>("DELETE FROM pending_logins WHERE token_hash = ?");
    this.removeExpired = db.prepare<[number]>("DELETE FROM pending_logins WHERE expires_at <= ?");
    this.forAccount = db.prepare<[string], PendingLogin>(`${SELECT} WHERE p.account = ? ORDER BY p.created_at DESC`);
  }

  add(token: string, login: Omit<PendingLogin, "email">): void {
    this.insert.run(hashToken(token), login.account, login.code, login.device_name, login.created_at, login.expires_at);
  }

  find(token: string): PendingLogin | undefined {
    return this.byToken.get(hashToken(token));
  }

  complete(token: string): void {
    this.remove.run(hashToken(token));
  }

  /** The account's unexpired pending logins, newest first. */
  pending(account: string, now: number): PendingLogin[] {
    this.removeExpired.run(now);
    return this.forAccount.all(account);
  }
}
