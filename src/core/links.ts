/**
 * Linking portals: two chats on different networks, whose people do not use the
 * interoperability API, become one conversation through their relay logins. A room admin asks
 * with `link <room>`; an admin of the other portal's room approves (or refuses); the other
 * portal is then bridged in the asking room, so Matrix users there reach both chats, and what
 * either network says goes to the other through its relay login, with the speaker's name in
 * front. `unlink` puts the portal back in its own room.
 */
import type { Logger } from "../logging/logger.js";
import type { Storage } from "../storage/index.js";
import type { PortalRecord } from "../storage/repositories/portals.js";
import type { Logins } from "./logins.js";
import type { MatrixPort } from "./matrix-port.js";
import { postNotice } from "./notices.js";
import type { KeyedSerialQueue } from "./serial-queue.js";
import { loginLevel, NETWORK_NAMES } from "./portals.js";

/** How long a request waits for the other room's answer. */
export const LINK_REQUEST_TTL_MS = 24 * 60 * 60 * 1000;

export interface PortalLinksOptions {
  storage: Storage;
  matrix: MatrixPort;
  logins: Logins;
  /** The portals' queue: a portal moves between rooms in turn with what it is bridging. */
  queue: KeyedSerialQueue;
  logger: Logger;
}

interface Request {
  fromRoom: string;
  by: string;
  at: number;
}

type Portal = PortalRecord & { roomId: string };

export class PortalLinks {
  /** Requests waiting for an answer, by the room asked. */
  private readonly pending = new Map<string, Request>();

  constructor(private readonly options: PortalLinksOptions) {}

  /**
   * Whether `userId` is an admin of the room: above the level every logged-in member of a portal
   * has (a login that is an admin of the chat has more, as has a room's creator).
   */
  async isRoomAdmin(roomId: string, userId: string): Promise<boolean> {
    const levels = await this.options.matrix.getState(roomId, "m.room.power_levels", "").catch(() => undefined);
    const users = (levels?.["users"] ?? {}) as Record<string, unknown>;
    const level = typeof users[userId] === "number" ? (users[userId] as number) : typeof levels?.["users_default"] === "number" ? (levels["users_default"] as number) : 0;
    return level > loginLevel("member");
  }

  /** `link <room>` in a portal room: asks the other room's admins. Resolves to the answer for the asker. */
  async request(fromRoom: string, targetRoom: string, by: string): Promise<string> {
    const from = this.relayedPortal(fromRoom);
    const target = this.relayedPortal(targetRoom);
    if (typeof from === "string") return from;
    if (typeof target === "string") return target.replace("this room", targetRoom);
    if (fromRoom === targetRoom) return "That is this room.";
    if (from.network === target.network) return `Both chats are on ${NETWORK_NAMES[from.network]}: link chats on different networks.`;
    const open = this.openRequest(targetRoom);
    if (open && open.fromRoom !== fromRoom) return `${targetRoom} already has a link request waiting for its admins' answer; ask again once they have answered it.`;
    this.pending.set(targetRoom, { fromRoom, by, at: Date.now() });
    await this.notice(
      targetRoom,
      `${by} asks to link this ${NETWORK_NAMES[target.network]} chat with ${from.name ?? fromRoom} on ${NETWORK_NAMES[from.network]}, so the two become one conversation ` +
        `through their relay logins. An admin of this room can answer 'link-approve' or 'link-reject' (after the command prefix) within 24 hours.`,
    );
    return `Asked the admins of ${targetRoom}; the link is made when one of them approves.`;
  }

  /** `link-approve` in the asked room, by one of its admins. */
  async approve(roomId: string, by: string): Promise<string> {
    const request = this.openRequest(roomId);
    if (!request) return "Nothing is waiting to be linked with this room.";
    const from = this.relayedPortal(request.fromRoom);
    const target = this.relayedPortal(roomId);
    if (typeof from === "string" || typeof target === "string") return "One of the two chats has no relay login any more; ask again once both have one.";
    this.pending.delete(roomId);
    const { storage, matrix, logins } = this.options;
    await this.options.queue.run(`portal:${target.id}`, async () =>
      storage.transaction(() => {
        storage.portalLinks.add({ portalId: target.id, homeRoomId: roomId, linkedBy: request.by, approvedBy: by });
        storage.portals.setRoom(target.id, request.fromRoom);
      }),
    );
    // The other chat's Matrix users follow it into the room.
    for (const loginId of storage.portals.loginIds(target.id)) {
      const login = logins.get(loginId);
      if (login) await matrix.invite(matrix.botUserId, request.fromRoom, login.record.matrixUserId).catch(() => undefined);
    }
    const link = `https://matrix.to/#/${encodeURIComponent(request.fromRoom)}`;
    await this.notice(request.fromRoom, `${target.name ?? roomId} on ${NETWORK_NAMES[target.network]} is now linked here: what either chat says reaches the other, through the relay logins.`);
    this.options.logger.info("Linked a portal into another portal's room", { portal: target.id, room: request.fromRoom, by: request.by, approvedBy: by });
    return `Linked: this chat is now bridged in ${link}, together with ${from.name ?? request.fromRoom} on ${NETWORK_NAMES[from.network]}. Nothing more is bridged here until an admin of that room sends 'unlink' there.`;
  }

  reject(roomId: string, by: string): string {
    const request = this.openRequest(roomId);
    if (!request) return "Nothing is waiting to be linked with this room.";
    this.pending.delete(roomId);
    void this.notice(request.fromRoom, `${by} declined linking ${roomId} with this chat.`);
    return "Declined.";
  }

  /** `unlink` in a room with linked portals: each goes back to its own room. */
  async unlink(roomId: string): Promise<string> {
    const { storage } = this.options;
    const linked = storage.portals.findByRoom(roomId).flatMap((portal) => {
      const link = storage.portalLinks.get(portal.id);
      return link ? [{ portal, link }] : [];
    });
    if (linked.length === 0) return "No chat is linked into this room.";
    for (const { portal, link } of linked) {
      await this.options.queue.run(`portal:${portal.id}`, async () =>
        storage.transaction(() => {
          storage.portals.setRoom(portal.id, link.homeRoomId);
          storage.portalLinks.remove(portal.id);
        }),
      );
      await this.notice(link.homeRoomId, `This chat is bridged here again: the link with ${roomId} was undone.`);
    }
    return `Unlinked ${linked.map(({ portal }) => `${portal.name ?? portal.chatId} (${NETWORK_NAMES[portal.network]})`).join(", ")}: back in their own rooms.`;
  }

  /** The room's one portal with a relay login, or why it does not qualify. */
  private relayedPortal(roomId: string): Portal | string {
    const portals = this.options.storage.portals.findByRoom(roomId).filter((p): p is Portal => p.roomId !== undefined);
    if (portals.length === 0) return "this room is not a portal room";
    if (portals.length > 1) return "this room already bridges more than one chat";
    const portal = portals[0] as Portal;
    if (portal.relayLoginId === undefined) return `this room's ${NETWORK_NAMES[portal.network]} chat has no relay login: set one with 'set-relay' first`;
    return portal;
  }

  private openRequest(roomId: string): Request | undefined {
    const request = this.pending.get(roomId);
    if (request && Date.now() - request.at > LINK_REQUEST_TTL_MS) {
      this.pending.delete(roomId);
      return undefined;
    }
    return request;
  }

  private notice(roomId: string, text: string): Promise<void> {
    return postNotice(this.options.matrix, roomId, text, this.options.logger);
  }
}
