/**
 * Logged-in sessions (devices, on WhatsApp): one account may hold several at once, each with its
 * own bearer token, and each can be listed and revoked. Revoking tells the listeners so realtime
 * connections of that session close at once instead of at their next request.
 */
import type { SchemaStep, SimnetDatabase } from "./database.js";
import { hashToken, newToken } from "./credentials.js";
import { unauthorized } from "./protocol-error.js";

export const sessionSchema: SchemaStep = (db) => {
  db.exec(`
    CREATE TABLE sessions (
      id         TEXT PRIMARY KEY,
      account    TEXT NOT NULL,
      token_hash TEXT NOT NULL UNIQUE,
      label      TEXT NOT NULL,
      created_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX sessions_by_account ON sessions (account);
  `);
};

export interface Session {
  id: string;
  account: string;
  label: string;
  createdAt: number;
}

interface Row {
  id: string;
  account: string;
  label: string;
  created_at: number;
}

const toSession = (row: Row): Session => ({ id: row.id, account: row.account, label: row.label, createdAt: row.created_at });

export class Sessions {
  private readonly revokedListeners = new Set<(session: Session) => void>();
  /**
   * Tokens already checked, so a busy client's requests skip the hash and the query; revoking
   * drops the entry at once, so a revoked token is refused as before.
   */
  private readonly byToken = new Map<string, Session>();
  private readonly tokenOf = new Map<string, string>();
  private readonly insert;
  private readonly selectByToken;
  private readonly byAccount;
  private readonly byId;
  private readonly remove;

  constructor(
    db: SimnetDatabase,
    private readonly now: () => number,
  ) {
    this.insert = db.prepare<[string, string, string, string, number]>(
      "INSERT INTO sessions (id, account, token_hash, label, created_at) VALUES (?, ?, ?, ?, ?)",
    );
    this.selectByToken = db.prepare<[string], Row>("SELECT id, account, label, created_at FROM sessions WHERE token_hash = ?");
    this.byAccount = db.prepare<[string], Row>("SELECT id, account, label, created_at FROM sessions WHERE account = ? ORDER BY created_at, id");
    this.byId = db.prepare<[string], Row>("SELECT id, account, label, created_at FROM sessions WHERE id = ?");
    this.remove = db.prepare<[string]>("DELETE FROM sessions WHERE id = ?");
  }

  /** Opens a session; the token is returned once and only its hash is kept. */
  create(account: string, label: string, id: string = newToken(9)): { session: Session; token: string } {
    const token = newToken();
    const createdAt = this.now();
    this.insert.run(id, account, hashToken(token), label, createdAt);
    return { session: { id, account, label, createdAt }, token };
  }

  find(token: string | undefined): Session | undefined {
    if (!token) return undefined;
    const cached = this.byToken.get(token);
    if (cached) return cached;
    const row = this.selectByToken.get(hashToken(token));
    if (!row) return undefined;
    const session = toSession(row);
    this.byToken.set(token, session);
    this.tokenOf.set(session.id, token);
    return session;
  }

  /** The session of a bearer token, or a 401 in the caller's error format. */
  require(token: string | undefined): Session {
    const session = this.find(token);
    if (!session) throw unauthorized(token ? "the access token is not valid (revoked or unknown)" : "an access token is required");
    return session;
  }

  get(id: string): Session | undefined {
    const row = this.byId.get(id);
    return row ? toSession(row) : undefined;
  }

  list(account: string): Session[] {
    return this.byAccount.all(account).map(toSession);
  }

  /** Ends a session; returns false if it did not exist. */
  revoke(id: string): boolean {
    const session = this.get(id);
    if (!session) return false;
    this.remove.run(id);
    const token = this.tokenOf.get(id);
    if (token !== undefined) this.byToken.delete(token);
    this.tokenOf.delete(id);
    for (const listener of this.revokedListeners) listener(session);
    return true;
  }

  onRevoked(listener: (session: Session) => void): () => void {
    this.revokedListeners.add(listener);
    return () => this.revokedListeners.delete(listener);
  }
}
