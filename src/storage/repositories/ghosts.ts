import type Database from "better-sqlite3";
import type { NetworkId } from "../../network/ids.js";

export interface GhostRecord {
  network: NetworkId;
  remoteUserId: string;
  matrixUserId: string;
  name: string | undefined;
  avatarId: string | undefined;
  avatarMxc: string | undefined;
}

interface Row {
  network: NetworkId;
  remote_user_id: string;
  matrix_user_id: string;
  name: string | null;
  avatar_id: string | null;
  avatar_mxc: string | null;
}

const toRecord = (row: Row): GhostRecord => ({
  network: row.network,
  remoteUserId: row.remote_user_id,
  matrixUserId: row.matrix_user_id,
  name: row.name ?? undefined,
  avatarId: row.avatar_id ?? undefined,
  avatarMxc: row.avatar_mxc ?? undefined,
});

/** The Matrix users that stand for remote people, with the profile last written to Matrix. */
export class GhostRepository {
  private readonly byRemote: Database.Statement<[string, string], Row>;
  private readonly byMatrix: Database.Statement<[string], Row>;
  private readonly upsert: Database.Statement<[string, string, string, string | null, string | null, string | null, number]>;

  constructor(db: Database.Database) {
    this.byRemote = db.prepare("SELECT * FROM ghosts WHERE network = ? AND remote_user_id = ?");
    this.byMatrix = db.prepare("SELECT * FROM ghosts WHERE matrix_user_id = ?");
    this.upsert = db.prepare(
      `INSERT INTO ghosts (network, remote_user_id, matrix_user_id, name, avatar_id, avatar_mxc, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (network, remote_user_id) DO UPDATE SET
         name = excluded.name, avatar_id = excluded.avatar_id, avatar_mxc = excluded.avatar_mxc,
         updated_at = excluded.updated_at`,
    );
  }

  get(network: NetworkId, remoteUserId: string): GhostRecord | undefined {
    const row = this.byRemote.get(network, remoteUserId);
    return row && toRecord(row);
  }

  findByMatrixUser(matrixUserId: string): GhostRecord | undefined {
    const row = this.byMatrix.get(matrixUserId);
    return row && toRecord(row);
  }

  save(ghost: GhostRecord, now = Date.now()): void {
    this.upsert.run(ghost.network, ghost.remoteUserId, ghost.matrixUserId, ghost.name ?? null, ghost.avatarId ?? null, ghost.avatarMxc ?? null, now);
  }
}
