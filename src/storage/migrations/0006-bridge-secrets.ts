import type { Migration } from "./migration.js";

/**
 * Secrets of this install that must outlive config changes, such as the key of WhatsApp ghosts'
 * ids when phone numbers stay off Matrix: a new key would give everyone a new ghost.
 */
export const bridgeSecrets: Migration = {
  version: 6,
  name: "bridge-secrets",
  up(db) {
    db.exec(`
      CREATE TABLE bridge_secrets (
        name  TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `);
  },
};
