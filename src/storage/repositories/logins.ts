import type Database from "better-sqlite3";
import type { NetworkId } from "../../network/ids.js";

export type LoginState = "active" | "logged-out";

export interface LoginRecord {
  id: number;
  matrixUserId: string;
  network: NetworkId;
  remoteUserId: string;
  remoteName: string;
  session: Record<string, unknown>;
  state: LoginState;
  createdAt: number;
}

interface Row {
  id: number;
  matrix_user_id: string;
  network: NetworkId;
  remote_user_id: string;
  remote_name: string;
  session: string;
  state: LoginState;
  created_at: number;
}

const toRecord = (row: Row): LoginRecord => ({
  id: row.id,
  matrixUserId: row.matrix_user_id,
  network: row.network,
  remoteUserId: row.remote_user_id,
  remoteName: row.remote_name,
  session: JSON.parse(row.session) as Record<string, unknown>,
  state: row.state,
  createdAt: row.created_at,
});

export interface NewLoginRecord {
  matrixUserId: string;
  network: NetworkId;
  remoteUserId: string;
  remoteName: string;
  session: Record<string, unknown>;
}

/** Matrix users' accounts on the networks. */
export class LoginRepository {
  private readonly byId: Database.Statement<[number], Row>;
  private readonly byRemote: Database.Statement<[string, string], Row>;
  private readonly byUser: Database.Statement<[string], Row>;
  private readonly allActive: Database.Statement<[], Row>;
  private readonly upsert: Database.Statement<[string, string, string, string, string, number], Row>;
  private readonly updateSession: Database.Statement<[string, number]>;
  private readonly updateState: Database.Statement<[LoginState, number]>;
  private readonly remove: Database.Statement<[number]>;

  constructor(db: Database.Database) {
    this.byId = db.prepare("SELECT * FROM logins WHERE id = ?");
    this.byRemote = db.prepare("SELECT * FROM logins WHERE network = ? AND remote_user_id = ?");
    this.byUser = db.prepare("SELECT * FROM logins WHERE matrix_user_id = ? ORDER BY id");
    this.allActive = db.prepare("SELECT * FROM logins WHERE state = 'active' ORDER BY id");
    // Logging in again to the same account (after a logout on the phone) reuses the row, so
    // portals that list the login keep it.
    this.upsert = db.prepare(
      `INSERT INTO logins (matrix_user_id, network, remote_user_id, remote_name, session, state, created_at)
       VALUES (?, ?, ?, ?, ?, 'active', ?)
       ON CONFLICT (network, remote_user_id) DO UPDATE SET
         matrix_user_id = excluded.matrix_user_id, remote_name = excluded.remote_name,
         session = excluded.session, state = 'active'
       RETURNING *`,
    );
    this.updateSession = db.prepare("UPDATE logins SET session = ? WHERE id = ?");
    this.updateState = db.prepare("UPDATE logins SET state = ? WHERE id = ?");
    this.remove = db.prepare("DELETE FROM logins WHERE id = ?");
  }

  get(id: number): LoginRecord | undefined {
    const row = this.byId.get(id);
    return row && toRecord(row);
  }

  findByRemote(network: NetworkId, remoteUserId: string): LoginRecord | undefined {
    const row = this.byRemote.get(network, remoteUserId);
    return row && toRecord(row);
  }

  listForUser(matrixUserId: string): LoginRecord[] {
    return this.byUser.all(matrixUserId).map(toRecord);
  }

  listActive(): LoginRecord[] {
    return this.allActive.all().map(toRecord);
  }

  /** Stores a new login, or refreshes the one for the same remote account. */
  save(login: NewLoginRecord, now = Date.now()): LoginRecord {
    const row = this.upsert.get(login.matrixUserId, login.network, login.remoteUserId, login.remoteName, JSON.stringify(login.session), now);
    if (!row) throw new Error("storing the login returned no row");
    return toRecord(row);
  }

  setSession(id: number, session: Record<string, unknown>): void {
    this.updateSession.run(JSON.stringify(session), id);
  }

  setState(id: number, state: LoginState): void {
    this.updateState.run(state, id);
  }

  delete(id: number): void {
    this.remove.run(id);
  }
}
