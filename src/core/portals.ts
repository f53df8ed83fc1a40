/**
 * Portals: one remote chat <-> one Matrix room. A direct chat gets a room per logged-in user; a
 * group gets one room shared by every Matrix user whose login is in it. This module finds or
 * creates the room, and keeps its members (ghosts and Matrix users) and its power levels in step
 * with the chat.
 */
import type { Logger } from "../logging/logger.js";
import type { ChatInfo, ChatRef, MemberRole, NetworkId, RemoteUserId } from "../network/index.js";
import type { PortalKey, PortalRecord, PortalRepository } from "../storage/repositories/portals.js";
import type { Ghosts } from "./ghosts.js";
import type { ActiveLogin } from "./logins.js";
import type { MatrixPort } from "./matrix-port.js";
import { groupNameFrom, roomNameFor } from "./room-names.js";

export const POWER = { bot: 100, owner: 95, admin: 50, member: 0 } as const;

/**
 * A logged-in Matrix user's level: above the ghosts of remote admins when they are an admin
 * themselves (Matrix lets nobody demote or kick someone at their own level), and high enough
 * to rename the room otherwise; the network still decides what it allows.
 */
export function loginLevel(role: MemberRole): number {
  return role === "member" ? POWER.admin : 75;
}

export function portalKey(network: NetworkId, chat: ChatRef, login: ActiveLogin): PortalKey {
  return { network, chatId: chat.id, receiver: chat.kind === "direct" ? login.record.remoteUserId : "" };
}

export interface PortalsOptions {
  store: PortalRepository;
  /** The network's `group_name_template`. */
  groupNameTemplate(network: NetworkId): string;
  /** The network's `room_avatar`: its mark on group rooms without a picture of their own. */
  networkAvatar(network: NetworkId): string | undefined;
  matrix: MatrixPort;
  ghosts: Ghosts;
  logger: Logger;
}

export class Portals {
  /** Users known to be joined (ghosts) or invited (Matrix users) per room, this process. */
  private readonly present = new Map<string, Set<string>>();

  constructor(private readonly options: PortalsOptions) {}

  get store(): PortalRepository {
    return this.options.store;
  }

  /**
   * Creates the Matrix room for a portal whose chat has none yet: named after the chat, with the
   * members' ghosts joined, the logged-in user invited, remote admins' power, and MSC2346 state.
   */
  async createRoom(portal: PortalRecord, login: ActiveLogin, info: ChatInfo): Promise<string> {
    const { matrix, ghosts } = this.options;
    const network = portal.network;
    const self = login.record.remoteUserId;
    const remoteMembers = info.members.filter((m) => m.id !== self);
    const ghostIds = new Map<RemoteUserId, string>();
    for (const member of remoteMembers) {
      const user = member.id === info.peer?.id ? info.peer : await login.session.getUser(member.id).catch(() => ({ id: member.id, name: member.id }));
      ghostIds.set(member.id, await ghosts.ensure(network, user));
    }
    const users: Record<string, number> = { [matrix.botUserId]: POWER.bot };
    for (const member of remoteMembers) users[ghostIds.get(member.id) as string] = POWER[member.role];
    const myRole = info.members.find((m) => m.id === self)?.role ?? "member";
    users[login.record.matrixUserId] = loginLevel(myRole);
    const name = info.kind === "direct" && info.peer ? ghosts.displayName(network, info.peer) : this.roomName(network, info.name);
    const picture = info.kind === "group" ? await this.uploadPicture(info) : undefined;
    const roomId = await matrix.createRoom({
      name,
      ...(info.topic ? { topic: info.topic } : {}),
      isDirect: info.kind === "direct",
      invite: [login.record.matrixUserId, ...ghostIds.values()],
      powerLevels: {
        users,
        users_default: 0,
        events_default: 0,
        state_default: POWER.admin,
        ban: POWER.admin,
        kick: POWER.admin,
        redact: POWER.admin,
        invite: 0,
        events: {
          "m.room.name": POWER.admin,
          "m.room.topic": POWER.admin,
          "m.room.avatar": POWER.admin,
          // Remote admins (at 50) may promote others through the room, as they can on the network.
          "m.room.power_levels": POWER.admin,
        },
      },
      initialState: [
        ...bridgeState(matrix.botUserId, network, ghosts.publicId(network, info.id), name, this.options.networkAvatar(network)),
        ...(info.kind === "group" && (picture || this.options.networkAvatar(network))
          ? [{ type: "m.room.avatar", state_key: "", content: picture?.content ?? this.defaultAvatar(network) }]
          : []),
      ],
    });
    this.options.store.setRoom(portal.id, roomId);
    // The portal keeps the network's own name of the chat; the room shows it through the template.
    this.options.store.setInfo(portal.id, { name: info.name, topic: info.topic, avatarId: picture ? info.avatarId : undefined, avatarMxc: picture?.content.url });
    const present = this.presentIn(roomId);
    present.add(login.record.matrixUserId);
    await Promise.all(
      [...ghostIds.values()].map(async (ghost) => {
        await matrix.join(ghost, roomId);
        present.add(ghost);
      }),
    );
    this.options.logger.info("Created a portal room", { portal: portal.id, room: roomId, network, kind: info.kind });
    return roomId;
  }

  /** A group's room name, from its name on the network. */
  roomName(network: NetworkId, groupName: string): string {
    return roomNameFor(this.options.groupNameTemplate(network), groupName);
  }

  /** The group name a room name stands for (a Matrix user's rename going to the network). */
  groupName(network: NetworkId, roomName: string): string {
    return groupNameFrom(this.options.groupNameTemplate(network), roomName);
  }

  /** Makes sure a ghost is in the room: the bot invites it when the join alone is refused. */
  async ensureGhostJoined(roomId: string, ghost: string): Promise<void> {
    const present = this.presentIn(roomId);
    if (present.has(ghost)) return;
    try {
      await this.options.matrix.join(ghost, roomId);
    } catch {
      await this.options.matrix.invite(this.options.matrix.botUserId, roomId, ghost);
      await this.options.matrix.join(ghost, roomId);
    }
    present.add(ghost);
  }

  /** Records that a login is in the portal's chat and invites its Matrix user the first time. */
  async ensureLoginMember(portal: PortalRecord, login: ActiveLogin): Promise<void> {
    if (!portal.roomId) return;
    const present = this.presentIn(portal.roomId);
    if (present.has(login.record.matrixUserId)) return;
    const known = this.options.store.loginIds(portal.id).includes(login.record.id);
    this.options.store.addMember(portal.id, login.record.id);
    if (!known) {
      try {
        await this.options.matrix.invite(this.options.matrix.botUserId, portal.roomId, login.record.matrixUserId);
      } catch (error) {
        // Already in the room (or invited): that is what we wanted.
        this.options.logger.debug("Inviting a login's user was refused", { room: portal.roomId, error });
      }
    }
    present.add(login.record.matrixUserId);
  }

  forgetPresence(roomId: string, userId: string): void {
    this.present.get(roomId)?.delete(userId);
  }

  /** Sets power levels from remote roles (only the changed users are written). */
  async setRoles(roomId: string, roles: { userId: string; role: MemberRole; bridged: boolean }[]): Promise<void> {
    const { matrix } = this.options;
    const current = (await matrix.getState(roomId, "m.room.power_levels", "")) ?? {};
    const users = { ...((current["users"] as Record<string, number> | undefined) ?? {}) };
    let changed = false;
    for (const { userId, role, bridged } of roles) {
      const level = bridged ? loginLevel(role) : POWER[role];
      if ((users[userId] ?? 0) === level) continue;
      if (level === 0) delete users[userId];
      else users[userId] = level;
      changed = true;
    }
    if (changed) await matrix.sendState(matrix.botUserId, roomId, "m.room.power_levels", "", { ...current, users });
  }

  private presentIn(roomId: string): Set<string> {
    let set = this.present.get(roomId);
    if (!set) {
      set = new Set();
      this.present.set(roomId, set);
    }
    return set;
  }

  /** A group's picture in the media repository, for its new room; one that cannot be fetched is left out. */
  private async uploadPicture(info: ChatInfo): Promise<{ content: { url: string; info: { mimetype: string; size: number } } } | undefined> {
    if (!info.avatar) return undefined;
    try {
      const data = await info.avatar.download();
      const url = await this.options.matrix.upload(this.options.matrix.botUserId, data, info.avatar.mimeType, info.avatar.fileName);
      return { content: { url, info: { mimetype: info.avatar.mimeType, size: data.length } } };
    } catch (error) {
      this.options.logger.warn("Could not bring a group's picture into its new room", { chat: info.id, error });
      return undefined;
    }
  }

  /** What a group room shows when its chat has no picture: the network's mark, or nothing. */
  defaultAvatar(network: NetworkId): Record<string, unknown> {
    const url = this.options.networkAvatar(network);
    return url ? { url } : {};
  }
}

/** MSC2346 bridge info, under the stable and the older unstable type. */
/** `channelId`: the chat's id as Matrix may see it (a direct chat's is its peer's, which may be a phone number). */
function bridgeState(bot: string, network: NetworkId, channelId: string, name: string, avatar: string | undefined) {
  const content = {
    bridgebot: bot,
    protocol: { id: network, displayname: NETWORK_NAMES[network], ...(avatar ? { avatar_url: avatar } : {}) },
    channel: { id: channelId, displayname: name },
  };
  const stateKey = `crosschat://${network}/${encodeURIComponent(channelId)}`;
  return [
    { type: "m.bridge", state_key: stateKey, content },
    { type: "uk.half-shot.bridge", state_key: stateKey, content },
  ];
}

export const NETWORK_NAMES: Record<NetworkId, string> = { whatsapp: "WhatsApp", messenger: "Messenger", instagram: "Instagram" };
