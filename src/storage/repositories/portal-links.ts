import type Database from "better-sqlite3";

export interface PortalLink {
  portalId: number;
  /** The portal's own room, which it leaves while linked. */
  homeRoomId: string;
  linkedBy: string;
  approvedBy: string;
}

/** Portals bridged in another portal's room (migration 5). */
export class PortalLinkRepository {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      add: db.prepare<[number, string, string, string, number]>(
        "INSERT INTO portal_links (portal_id, home_room_id, linked_by, approved_by, linked_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (portal_id) DO NOTHING",
      ),
      get: db.prepare<[number], { portal_id: number; home_room_id: string; linked_by: string; approved_by: string }>("SELECT * FROM portal_links WHERE portal_id = ?"),
      remove: db.prepare<[number]>("DELETE FROM portal_links WHERE portal_id = ?"),
    };
  }

  add(link: PortalLink, now = Date.now()): void {
    this.s.add.run(link.portalId, link.homeRoomId, link.linkedBy, link.approvedBy, now);
  }

  get(portalId: number): PortalLink | undefined {
    const row = this.s.get.get(portalId);
    return row ? { portalId: row.portal_id, homeRoomId: row.home_room_id, linkedBy: row.linked_by, approvedBy: row.approved_by } : undefined;
  }

  remove(portalId: number): void {
    this.s.remove.run(portalId);
  }
}
