import type { Migration } from "./migration.js";

/**
 * Linked portals: a portal whose chat is bridged in another portal's room (`link`), so two
 * chats on different networks become one conversation through their relay logins. The portal's
 * own room is kept here, to go back to on `unlink`.
 */
export const portalLinks: Migration = {
  version: 5,
  name: "portal-links",
  up(db) {
    db.exec(`
      CREATE TABLE portal_links (
        portal_id    INTEGER PRIMARY KEY REFERENCES portals (id) ON DELETE CASCADE,
        home_room_id TEXT NOT NULL,
        linked_by    TEXT NOT NULL,
        approved_by  TEXT NOT NULL,
        linked_at    INTEGER NOT NULL
      );
    `);
  },
};
