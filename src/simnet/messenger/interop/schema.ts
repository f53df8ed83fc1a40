/**
 * The tables of the interoperability API, added as a schema step of their own so an existing
 * Messenger database gains them without any change to what it holds. Third-party contacts are
 * not accounts: they sit in `interop_members` beside `participants`, and the thread store reads
 * both as one list (store/threads.ts).
 */
import type { SchemaStep } from "../../core/database.js";

export const messengerInteropSchema: SchemaStep = (db) => {
  db.exec(`
    -- Registered providers; the token is kept as a hash. A revoked provider keeps its row.
    CREATE TABLE interop_providers (
      id         TEXT PRIMARY KEY,
      name       TEXT NOT NULL,
      token_hash TEXT NOT NULL UNIQUE,
      created_at INTEGER NOT NULL,
      revoked_at INTEGER
    ) WITHOUT ROWID;
    -- People a provider published. 'contact' is the numeric id Messenger users see them under;
    -- a removed identity keeps its row (and id) so old messages still name their sender.
    CREATE TABLE interop_identities (
      contact    TEXT PRIMARY KEY,
      provider   TEXT NOT NULL REFERENCES interop_providers (id),
      identity   TEXT NOT NULL,
      name       TEXT NOT NULL,
      network    TEXT NOT NULL,
      handle     TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      removed_at INTEGER,
      UNIQUE (provider, identity)
    ) WITHOUT ROWID;
    -- Which provider bridges a third-party chat (one per chat).
    CREATE TABLE interop_threads (
      thread   TEXT PRIMARY KEY REFERENCES threads (key),
      provider TEXT NOT NULL REFERENCES interop_providers (id)
    ) WITHOUT ROWID;
    CREATE INDEX interop_threads_by_provider ON interop_threads (provider);
    -- Third-party contacts in a chat, as 'participants' holds Messenger users.
    CREATE TABLE interop_members (
      thread         TEXT NOT NULL REFERENCES threads (key),
      contact        TEXT NOT NULL REFERENCES interop_identities (contact),
      is_admin       INTEGER NOT NULL,
      joined_at      INTEGER NOT NULL,
      read_watermark INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (thread, contact)
    ) WITHOUT ROWID;
    CREATE INDEX interop_members_by_contact ON interop_members (contact);
    -- The "third-party chats" setting: a row means on (off by default).
    CREATE TABLE interop_opt_ins (
      account TEXT PRIMARY KEY REFERENCES accounts (id),
      since   INTEGER NOT NULL
    ) WITHOUT ROWID;
    -- Providers that learned of a user (a lookup, a shared chat, their opt-in, the list of
    -- everyone opted in): told when the user opts out.
    CREATE TABLE interop_known (
      account  TEXT NOT NULL,
      provider TEXT NOT NULL,
      PRIMARY KEY (account, provider)
    ) WITHOUT ROWID;
  `);
};
