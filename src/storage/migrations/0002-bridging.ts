import type { Migration } from "./migration.js";

/**
 * What bridging needs: logins, portals, ghosts, the message map and reactions. Every key that
 * holds a remote id includes the network (directly, or through the portal it belongs to).
 */
export const bridging: Migration = {
  version: 2,
  name: "bridging",
  up(db) {
    db.exec(`
      -- A Matrix user's account on a network. One remote account is bridged by one login only:
      -- two Matrix users sharing it would each see the other's messages as their own.
      CREATE TABLE logins (
        id             INTEGER PRIMARY KEY,
        matrix_user_id TEXT NOT NULL,
        network        TEXT NOT NULL,
        remote_user_id TEXT NOT NULL,
        remote_name    TEXT NOT NULL,
        -- The connector's session (tokens, keys) as JSON. Secret.
        session        TEXT NOT NULL,
        -- active, or logged-out when the network revoked the session.
        state          TEXT NOT NULL DEFAULT 'active',
        created_at     INTEGER NOT NULL,
        UNIQUE (network, remote_user_id)
      );
      CREATE INDEX logins_matrix_user ON logins (matrix_user_id);

      -- One remote chat <-> one Matrix room. Direct chats are named differently by each side, so
      -- they are keyed by the logged-in account that sees them (receiver); groups have receiver ''.
      -- room_id is not unique on purpose: a room that spans networks links several portals.
      CREATE TABLE portals (
        id             INTEGER PRIMARY KEY,
        network        TEXT NOT NULL,
        chat_id        TEXT NOT NULL,
        receiver       TEXT NOT NULL,
        kind           TEXT NOT NULL,
        room_id        TEXT,
        name           TEXT,
        topic          TEXT,
        avatar_id      TEXT,
        avatar_mxc     TEXT,
        relay_login_id INTEGER REFERENCES logins (id) ON DELETE SET NULL,
        created_at     INTEGER NOT NULL,
        UNIQUE (network, chat_id, receiver)
      );
      CREATE INDEX portals_room ON portals (room_id);

      -- Which logins are in which portal's chat: they receive its events and may send into it.
      CREATE TABLE portal_logins (
        portal_id INTEGER NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
        login_id  INTEGER NOT NULL REFERENCES logins (id) ON DELETE CASCADE,
        PRIMARY KEY (portal_id, login_id)
      );
      CREATE INDEX portal_logins_login ON portal_logins (login_id);

      -- One Matrix user per remote person, with the profile last written to Matrix.
      CREATE TABLE ghosts (
        network        TEXT NOT NULL,
        remote_user_id TEXT NOT NULL,
        matrix_user_id TEXT NOT NULL UNIQUE,
        name           TEXT,
        avatar_id      TEXT,
        avatar_mxc     TEXT,
        updated_at     INTEGER NOT NULL,
        PRIMARY KEY (network, remote_user_id)
      );

      -- The message map: a remote message (or one part of it, or an edit of it) <-> the Matrix
      -- event that carries it in the portal's room. A Matrix event in a room that spans networks
      -- has one row per portal, so replies, edits, reactions and deletes resolve on every network.
      CREATE TABLE messages (
        portal_id     INTEGER NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
        remote_id     TEXT NOT NULL,
        part          INTEGER NOT NULL DEFAULT 0,
        -- message, or edit (remote_id is then the edit's own id and target_id the message's)
        kind          TEXT NOT NULL DEFAULT 'message',
        target_id     TEXT,
        room_id       TEXT NOT NULL,
        event_id      TEXT NOT NULL,
        sender        TEXT NOT NULL,
        timestamp     INTEGER NOT NULL,
        edit_count    INTEGER NOT NULL DEFAULT 0,
        deleted       INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (portal_id, remote_id, part)
      );
      CREATE INDEX messages_event ON messages (room_id, event_id);

      -- Current reactions, one per person per message as all three networks allow.
      CREATE TABLE reactions (
        portal_id  INTEGER NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
        target_id  TEXT NOT NULL,
        sender     TEXT NOT NULL,
        emoji      TEXT NOT NULL,
        room_id    TEXT NOT NULL,
        event_id   TEXT NOT NULL,
        PRIMARY KEY (portal_id, target_id, sender)
      );
      CREATE INDEX reactions_event ON reactions (room_id, event_id);
    `);
  },
};
