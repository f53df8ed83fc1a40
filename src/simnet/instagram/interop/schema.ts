/**
 * The interoperability API's tables, a schema step of its own after Instagram's first ones, so a
 * database made before it gains them and keeps everything else: providers (tokens stored hashed),
 * the identities each publishes (their pk is derived from the row's sequence), the users'
 * "third-party chats" setting, and which threads are third-party chats and whose.
 */
import type { SchemaStep } from "../../core/database.js";

export const interopSchema: SchemaStep = (db) => {
  db.exec(`
    CREATE TABLE interop_providers (
      id         TEXT PRIMARY KEY,
      name       TEXT NOT NULL,
      token_hash TEXT NOT NULL UNIQUE,
      created_at INTEGER NOT NULL,
      revoked_at INTEGER
    ) WITHOUT ROWID;
    CREATE TABLE interop_identities (
      sequence    INTEGER PRIMARY KEY AUTOINCREMENT,
      provider_id TEXT NOT NULL,
      identity_id TEXT NOT NULL,
      name        TEXT NOT NULL,
      network     TEXT NOT NULL,
      handle      TEXT NOT NULL,
      removed     INTEGER NOT NULL DEFAULT 0,
      updated_at  INTEGER NOT NULL,
      UNIQUE (provider_id, identity_id)
    );
    CREATE TABLE interop_opt_ins (
      pk         TEXT PRIMARY KEY,
      enabled    INTEGER NOT NULL,
      changed_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE interop_threads (
      thread_id   TEXT PRIMARY KEY,
      provider_id TEXT NOT NULL,
      created_at  INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX interop_threads_by_provider ON interop_threads (provider_id, created_at);
  `);
};
