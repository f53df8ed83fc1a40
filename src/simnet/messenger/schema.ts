/**
 * Messenger's own tables. Direct threads are stored under the key `<lower id>:<higher id>` and
 * shown to each side under the other person's id, as Messenger keys one-to-one threads; groups
 * are stored and shown under their numeric thread id.
 */
import type { SchemaStep } from "../core/database.js";

export const messengerSchema: SchemaStep = (db) => {
  db.exec(`
    CREATE TABLE id_counters (
      name TEXT PRIMARY KEY,
      next INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE accounts (
      id            TEXT PRIMARY KEY,
      name          TEXT NOT NULL,
      email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
      password_hash TEXT NOT NULL,
      two_factor    INTEGER NOT NULL,
      avatar_media  TEXT,
      created_at    INTEGER NOT NULL
    ) WITHOUT ROWID;
    -- Password logins waiting for their 2FA code; the code stays readable for the admin API.
    CREATE TABLE pending_logins (
      token_hash  TEXT PRIMARY KEY,
      account     TEXT NOT NULL REFERENCES accounts (id),
      code        TEXT NOT NULL,
      device_name TEXT NOT NULL,
      created_at  INTEGER NOT NULL,
      expires_at  INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX pending_logins_by_account ON pending_logins (account);
    CREATE TABLE threads (
      key              TEXT PRIMARY KEY,
      kind             TEXT NOT NULL,
      name             TEXT,
      image_media      TEXT,
      admin_only_edits INTEGER NOT NULL DEFAULT 0,
      created_by       TEXT NOT NULL,
      created_at       INTEGER NOT NULL,
      last_activity    INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE participants (
      thread         TEXT NOT NULL REFERENCES threads (key),
      account        TEXT NOT NULL REFERENCES accounts (id),
      is_admin       INTEGER NOT NULL,
      joined_at      INTEGER NOT NULL,
      read_watermark INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (thread, account)
    ) WITHOUT ROWID;
    CREATE INDEX participants_by_account ON participants (account);
    -- The id embeds seq (see ids.ts), so looking a message up by id needs no index of its own.
    CREATE TABLE messages (
      seq                  INTEGER PRIMARY KEY,
      id                   TEXT NOT NULL,
      thread               TEXT NOT NULL REFERENCES threads (key),
      sender               TEXT NOT NULL,
      timestamp            INTEGER NOT NULL,
      offline_threading_id TEXT,
      text                 TEXT,
      mentions             TEXT,
      reply_to             TEXT,
      sticker_id           TEXT,
      attachments          TEXT,
      edit_count           INTEGER NOT NULL DEFAULT 0,
      edited_at            INTEGER,
      unsent_at            INTEGER
    );
    CREATE INDEX messages_by_thread ON messages (thread, seq);
    CREATE TABLE reactions (
      message   TEXT NOT NULL,
      account   TEXT NOT NULL,
      emoji     TEXT NOT NULL,
      timestamp INTEGER NOT NULL,
      PRIMARY KEY (message, account)
    ) WITHOUT ROWID;
    -- What kind an uploaded file was declared as; the bytes live in the core media table.
    CREATE TABLE attachment_info (
      media    TEXT PRIMARY KEY,
      kind     TEXT NOT NULL,
      filename TEXT
    ) WITHOUT ROWID;
  `);
};
