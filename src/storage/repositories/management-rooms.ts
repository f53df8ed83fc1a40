import type Database from "better-sqlite3";

/** Each Matrix user's direct-message room with the bridge bot: at most one per user. */
export interface ManagementRoomRepository {
  get(userId: string): string | undefined;
  /**
   * Records `roomId` as the user's management room, replacing any previous one. Throws if the
   * room is already another user's: answering one user's commands with another's account would
   * be a serious mix-up, so it is never resolved silently.
   */
  set(userId: string, roomId: string, now?: number): void;
  findUserByRoom(roomId: string): string | undefined;
  remove(userId: string): void;
}

export class SqliteManagementRoomRepository implements ManagementRoomRepository {
  private readonly selectRoom: Database.Statement<[string], string>;
  private readonly selectUser: Database.Statement<[string], string>;
  private readonly upsert: Database.Statement<[string, string, number]>;
  private readonly deleteUser: Database.Statement<[string]>;

  constructor(db: Database.Database) {
    this.selectRoom = db
      .prepare<[string], string>("SELECT room_id FROM management_rooms WHERE user_id = ?")
      .pluck();
    this.selectUser = db
      .prepare<[string], string>("SELECT user_id FROM management_rooms WHERE room_id = ?")
      .pluck();
    // Re-setting the same room keeps its original created_at.
    this.upsert = db.prepare(
      `INSERT INTO management_rooms (user_id, room_id, created_at) VALUES (?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE
         SET room_id = excluded.room_id, created_at = excluded.created_at
         WHERE room_id <> excluded.room_id`,
    );
    this.deleteUser = db.prepare("DELETE FROM management_rooms WHERE user_id = ?");
  }

  get(userId: string): string | undefined {
    return this.selectRoom.get(userId);
  }

  set(userId: string, roomId: string, now = Date.now()): void {
    // Checked up front for a clear message; the UNIQUE constraint still backs it up.
    const owner = this.findUserByRoom(roomId);
    if (owner !== undefined && owner !== userId) {
      throw new Error(
        `room ${roomId} is already the management room of ${owner}; it cannot also be ${userId}'s`,
      );
    }
    this.upsert.run(userId, roomId, now);
  }

  findUserByRoom(roomId: string): string | undefined {
    return this.selectUser.get(roomId);
  }

  remove(userId: string): void {
    this.deleteUser.run(userId);
  }
}
