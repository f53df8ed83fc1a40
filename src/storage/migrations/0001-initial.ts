import type { Migration } from "./migration.js";

// Neither table holds remote-network data, so neither key carries a network id; tables that do
// (puppets, portals, messages) must include it in their keys.
export const initial: Migration = {
  version: 1,
  name: "initial",
  up(db) {
    db.exec(`
      -- Appservice transactions already applied, so a transaction the homeserver retries after
      -- a restart is acknowledged without being applied twice. The id alone is not enough:
      -- Synapse on SQLite numbers transactions from 1 again after it restarts, so the key also
      -- holds a fingerprint of the transaction's events.
      CREATE TABLE appservice_transactions (
        txn_id       TEXT NOT NULL,
        fingerprint  TEXT NOT NULL,
        processed_at INTEGER NOT NULL,
        event_count  INTEGER NOT NULL,
        PRIMARY KEY (txn_id, fingerprint)
      );
      -- Old rows are pruned by age.
      CREATE INDEX appservice_transactions_processed_at ON appservice_transactions (processed_at);

      -- A Matrix user's direct-message room with the bridge bot.
      CREATE TABLE management_rooms (
        user_id    TEXT PRIMARY KEY,
        room_id    TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL
      );
    `);
  },
};
