/**
 * The Instagram simulation's tables. Usernames are stored lowercased (Instagram's are
 * case-insensitive); item ids are 64-bit integers so paging by id is an index range; a
 * direct thread is found by its ordered pair of participants.
 */
import type { SchemaStep } from "../core/database.js";
import { ackSchema } from "../core/acks.js";
import { idempotencySchema } from "../core/idempotency.js";
import { mediaSchema } from "../core/media.js";
import { sessionSchema } from "../core/sessions.js";
import { interopSchema } from "./interop/schema.js";

const instagramTables: SchemaStep = (db) => {
  db.exec(`
    CREATE TABLE accounts (
      sequence      INTEGER PRIMARY KEY AUTOINCREMENT,
      pk            TEXT NOT NULL UNIQUE,
      username      TEXT NOT NULL UNIQUE,
      full_name     TEXT NOT NULL,
      password_hash TEXT NOT NULL,
      avatar_id     TEXT,
      checkpoint    INTEGER NOT NULL DEFAULT 0,
      created_at    INTEGER NOT NULL
    );
    CREATE TABLE username_changes (
      pk           TEXT NOT NULL,
      old_username TEXT NOT NULL,
      new_username TEXT NOT NULL,
      at           INTEGER NOT NULL
    );
    CREATE INDEX username_changes_by_pk ON username_changes (pk, at);
    CREATE TABLE trusted_devices (
      pk        TEXT NOT NULL,
      device_id TEXT NOT NULL,
      at        INTEGER NOT NULL,
      PRIMARY KEY (pk, device_id)
    ) WITHOUT ROWID;
    CREATE TABLE challenges (
      id         TEXT PRIMARY KEY,
      pk         TEXT NOT NULL,
      code       TEXT NOT NULL,
      device_id  TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      attempts   INTEGER NOT NULL DEFAULT 0,
      state      TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX challenges_by_pk ON challenges (pk, created_at);
    CREATE TABLE threads (
      thread_id        TEXT PRIMARY KEY,
      kind             TEXT NOT NULL,
      title            TEXT,
      creator          TEXT NOT NULL,
      created_at       INTEGER NOT NULL,
      last_activity_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE direct_pairs (
      low       TEXT NOT NULL,
      high      TEXT NOT NULL,
      thread_id TEXT NOT NULL,
      PRIMARY KEY (low, high)
    ) WITHOUT ROWID;
    CREATE TABLE participants (
      thread_id    TEXT NOT NULL,
      pk           TEXT NOT NULL,
      is_admin     INTEGER NOT NULL,
      joined_at    INTEGER NOT NULL,
      seen_item_id INTEGER,
      seen_at      INTEGER,
      PRIMARY KEY (thread_id, pk)
    ) WITHOUT ROWID;
    CREATE INDEX participants_by_user ON participants (pk, thread_id);
    CREATE TABLE items (
      item_id        INTEGER PRIMARY KEY,
      thread_id      TEXT NOT NULL,
      user_id        TEXT NOT NULL,
      item_type      TEXT NOT NULL,
      client_context TEXT,
      timestamp      INTEGER NOT NULL,
      content        TEXT NOT NULL,
      replied_to     INTEGER,
      edit_count     INTEGER NOT NULL DEFAULT 0,
      reactions      TEXT
    );
    CREATE INDEX items_by_thread ON items (thread_id, item_id);
    CREATE TABLE posts (
      pk         INTEGER PRIMARY KEY,
      media_id   TEXT NOT NULL UNIQUE,
      code       TEXT NOT NULL UNIQUE,
      owner      TEXT NOT NULL,
      kind       TEXT NOT NULL,
      caption    TEXT NOT NULL,
      image_url  TEXT NOT NULL,
      taken_at   INTEGER NOT NULL,
      expires_at INTEGER
    );
  `);
};

export const instagramSchema: readonly SchemaStep[] = [sessionSchema, idempotencySchema, mediaSchema, ackSchema, instagramTables, interopSchema];
