/**
 * The tables of third-party chats, as a schema step after the WhatsApp simulation's own, so a
 * database written before they existed is upgraded in place. Providers, the identities they
 * publish, the ids users have toward each provider, and which chats are third-party ones;
 * membership, messages and their encrypted copies stay in the tables every chat uses.
 */
import type { SchemaStep } from "../../core/database.js";

export const interopSchema: SchemaStep = (db) => {
  db.exec(`
    -- The second setting: whether providers may find the user by phone number (off by default).
    ALTER TABLE accounts ADD COLUMN discoverable_by_phone INTEGER NOT NULL DEFAULT 0;

    -- A provider's token is a session whose id is the provider id.
    CREATE TABLE interop_providers (
      id         TEXT PRIMARY KEY,
      name       TEXT NOT NULL,
      public_key TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      revoked_at INTEGER
    ) WITHOUT ROWID;

    -- A user as one provider knows them: never their phone number.
    CREATE TABLE interop_users (
      provider TEXT NOT NULL,
      user     TEXT NOT NULL,
      id       TEXT NOT NULL UNIQUE,
      PRIMARY KEY (provider, user)
    ) WITHOUT ROWID;
    CREATE INDEX interop_users_by_user ON interop_users (user);

    CREATE TABLE interop_identities (
      jid        TEXT PRIMARY KEY,
      provider   TEXT NOT NULL,
      id         TEXT NOT NULL,
      name       TEXT NOT NULL,
      network    TEXT NOT NULL,
      handle     TEXT NOT NULL,
      removed    INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL,
      UNIQUE (provider, id)
    ) WITHOUT ROWID;

    -- Every third-party chat: a group (its JID, members in group_members) or a direct chat
    -- between one user and one identity, which stays (inactive) when the user opts out, so the
    -- same pair finds the same chat again.
    CREATE TABLE interop_chats (
      id         TEXT PRIMARY KEY,
      provider   TEXT NOT NULL,
      kind       TEXT NOT NULL,
      creator    TEXT NOT NULL,
      native     TEXT,
      identity   TEXT,
      active     INTEGER NOT NULL DEFAULT 1,
      created_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE UNIQUE INDEX interop_direct_pairs ON interop_chats (native, identity) WHERE kind = 'direct';
    CREATE INDEX interop_directs_by_identity ON interop_chats (identity) WHERE kind = 'direct';
  `);
};
