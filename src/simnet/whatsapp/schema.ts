/**
 * The WhatsApp simulation's own tables. Message content never reaches them: a message row holds
 * routing metadata, and each device's encrypted copy sits in `message_copies`.
 */
import type { SchemaStep } from "../core/database.js";

export const whatsappSchema: SchemaStep = (db) => {
  db.exec(`
    CREATE TABLE accounts (
      jid               TEXT PRIMARY KEY,
      phone             TEXT NOT NULL UNIQUE,
      push_name         TEXT NOT NULL,
      about             TEXT NOT NULL,
      avatar            TEXT,
      third_party_chats INTEGER NOT NULL DEFAULT 0,
      next_device       INTEGER NOT NULL DEFAULT 1,
      last_seen         INTEGER,
      created_at        INTEGER NOT NULL
    ) WITHOUT ROWID;

    -- One row per linked device; device 0 is the phone. The session id names the device's
    -- incarnation, so a re-registered phone starts a new event stream.
    CREATE TABLE devices (
      user       TEXT NOT NULL,
      device     INTEGER NOT NULL,
      session_id TEXT NOT NULL UNIQUE,
      name       TEXT NOT NULL,
      public_key TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (user, device)
    ) WITHOUT ROWID;

    CREATE TABLE sms_codes (
      phone      TEXT PRIMARY KEY,
      code       TEXT NOT NULL,
      attempts   INTEGER NOT NULL DEFAULT 0,
      expires_at INTEGER NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE pairing_requests (
      ref         TEXT PRIMARY KEY,
      code        TEXT NOT NULL UNIQUE,
      phone       TEXT NOT NULL,
      public_key  TEXT NOT NULL,
      device_name TEXT NOT NULL,
      status      TEXT NOT NULL,
      device      INTEGER,
      token       TEXT,
      created_at  INTEGER NOT NULL,
      expires_at  INTEGER NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE groups (
      jid         TEXT PRIMARY KEY,
      subject     TEXT NOT NULL,
      description TEXT NOT NULL DEFAULT '',
      picture     TEXT,
      creator     TEXT NOT NULL,
      announce    INTEGER NOT NULL DEFAULT 0,
      restrict_info INTEGER NOT NULL DEFAULT 0,
      created_at  INTEGER NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE group_members (
      group_jid TEXT NOT NULL,
      user      TEXT NOT NULL,
      role      TEXT NOT NULL,
      added_at  INTEGER NOT NULL,
      PRIMARY KEY (group_jid, user)
    ); -- with a rowid: it orders members added in the same millisecond
    CREATE INDEX group_members_by_user ON group_members (user);

    CREATE TABLE direct_chats (
      owner      TEXT NOT NULL,
      peer       TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (owner, peer)
    ) WITHOUT ROWID;

    CREATE TABLE messages (
      rowid         INTEGER PRIMARY KEY,
      chat          TEXT NOT NULL,
      id            TEXT NOT NULL,
      sender        TEXT NOT NULL,
      sender_device INTEGER NOT NULL,
      kind          TEXT NOT NULL,
      target        TEXT,
      t             INTEGER NOT NULL,
      payload_bytes INTEGER NOT NULL,
      revoked_at    INTEGER,
      revoked_by    TEXT,
      edited_at     INTEGER,
      last_edit     INTEGER,
      UNIQUE (chat, id)
    );

    -- Each device's encrypted copy, kept so a device can page its history.
    CREATE TABLE message_copies (
      session_id TEXT NOT NULL,
      message    INTEGER NOT NULL,
      ciphertext TEXT NOT NULL,
      PRIMARY KEY (session_id, message)
    ) WITHOUT ROWID;

    CREATE TABLE reactions (
      chat       TEXT NOT NULL,
      target     TEXT NOT NULL,
      reactor    TEXT NOT NULL,
      reaction   TEXT NOT NULL,
      t          INTEGER NOT NULL,
      PRIMARY KEY (chat, target, reactor)
    ) WITHOUT ROWID;
  `);
};
