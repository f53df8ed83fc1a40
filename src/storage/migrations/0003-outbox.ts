import type { Migration } from "./migration.js";

/**
 * The outbox: Matrix events accepted from the homeserver but not yet done on the network. An
 * appservice transaction is acknowledged once its events are here, so a network that makes the
 * bridge wait (a rate limit, an outage) holds up neither the homeserver nor other rooms, and a
 * restart picks up where it stopped.
 */
export const outbox: Migration = {
  version: 3,
  name: "outbox",
  up(db) {
    db.exec(`
      CREATE TABLE outbox (
        -- Also the order: a portal's events go out oldest first.
        id          INTEGER PRIMARY KEY,
        portal_id   INTEGER NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
        event_id    TEXT NOT NULL,
        -- The Matrix event as the homeserver sent it (JSON).
        event       TEXT NOT NULL,
        attempts    INTEGER NOT NULL DEFAULT 0,
        queued_at   INTEGER NOT NULL,
        -- Whether the sender was told that this event (or one before it) waits, so a restart
        -- does not tell them again.
        announced   INTEGER NOT NULL DEFAULT 0,
        UNIQUE (portal_id, event_id)
      );
    `);
  },
};
