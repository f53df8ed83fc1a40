import type { Migration } from "./migration.js";

/**
 * The cross-network gateway (docs/cross-network.md): crosschat as the interoperability provider
 * of each network, with one Matrix room per conversation. Only what relaying needs is stored:
 * who takes part (by interop id, never a phone number), the names they show, and which message
 * on each network is which Matrix event.
 */
export const gateway: Migration = {
  version: 4,
  name: "gateway",
  up(db) {
    db.exec(`
      -- What the bridge keeps to connect to a network's interoperability API again (JSON, secret).
      CREATE TABLE gateway_providers (
        network     TEXT PRIMARY KEY,
        credentials TEXT NOT NULL
      );

      -- One Matrix room per cross-network conversation.
      CREATE TABLE gateway_rooms (
        room_id     TEXT PRIMARY KEY,
        kind        TEXT NOT NULL CHECK (kind IN ('direct', 'group')),
        title       TEXT,
        created_at  INTEGER NOT NULL
      );

      -- The conversation's chat on each network that has people in it; its id is the outbox lane.
      CREATE TABLE gateway_chats (
        id          INTEGER PRIMARY KEY,
        room_id     TEXT NOT NULL REFERENCES gateway_rooms (room_id) ON DELETE CASCADE,
        network     TEXT NOT NULL,
        chat_id     TEXT NOT NULL,
        -- The identity the bridge made the chat as (its admin there); unset for a native's chat.
        creator     TEXT,
        UNIQUE (network, chat_id),
        UNIQUE (room_id, network)
      );

      -- Who takes part, by participant key: '<network>:<interop id>' or 'matrix:<user id>'.
      CREATE TABLE gateway_members (
        room_id     TEXT NOT NULL REFERENCES gateway_rooms (room_id) ON DELETE CASCADE,
        participant TEXT NOT NULL,
        PRIMARY KEY (room_id, participant)
      );

      -- Everyone the bridge can show on another network: the identity it publishes for them there.
      CREATE TABLE gateway_people (
        participant    TEXT PRIMARY KEY,
        third_party_id TEXT NOT NULL UNIQUE,
        name           TEXT NOT NULL,
        handle         TEXT NOT NULL UNIQUE COLLATE NOCASE
      );

      -- The networks each person's identity is published on, so it can be withdrawn everywhere.
      CREATE TABLE gateway_published (
        participant TEXT NOT NULL REFERENCES gateway_people (participant) ON DELETE CASCADE,
        network     TEXT NOT NULL,
        PRIMARY KEY (participant, network)
      );

      -- The message graph: each Matrix event of a conversation and its copy on each network.
      CREATE TABLE gateway_messages (
        room_id     TEXT NOT NULL REFERENCES gateway_rooms (room_id) ON DELETE CASCADE,
        event_id    TEXT NOT NULL,
        network     TEXT NOT NULL,
        message_id  TEXT NOT NULL,
        PRIMARY KEY (event_id, network),
        UNIQUE (room_id, network, message_id)
      );

      -- Reactions, by Matrix event: the one a person has on a message, to remove or replace it.
      CREATE TABLE gateway_reactions (
        event_id     TEXT PRIMARY KEY,
        room_id      TEXT NOT NULL REFERENCES gateway_rooms (room_id) ON DELETE CASCADE,
        target_event TEXT NOT NULL,
        participant  TEXT NOT NULL,
        emoji        TEXT NOT NULL,
        redacted     INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX gateway_reactions_by_target ON gateway_reactions (target_event, participant);

      -- Matrix events bound for a network chat, as the portal outbox (migration 3) has them.
      CREATE TABLE gateway_outbox (
        id          INTEGER PRIMARY KEY,
        lane        INTEGER NOT NULL REFERENCES gateway_chats (id) ON DELETE CASCADE,
        event_id    TEXT NOT NULL,
        event       TEXT NOT NULL,
        attempts    INTEGER NOT NULL DEFAULT 0,
        queued_at   INTEGER NOT NULL,
        announced   INTEGER NOT NULL DEFAULT 0,
        UNIQUE (lane, event_id)
      );
    `);
  },
};
