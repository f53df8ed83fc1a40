/**
 * Network -> Matrix: bridges each remote event a login reports into its portal's room, inside
 * the portal's queue. An event is done when it is in Matrix and in the message map; anything
 * already mapped (a redelivery, a duplicate, the same group message seen by two logins) is
 * recognised and skipped. Transaction ids derive from the remote ids, so even a crash between
 * the homeserver's answer and the map's commit does not make a second Matrix event.
 */
import type { Logger } from "../logging/logger.js";
import type {
  ChatInfoEvent,
  DeleteEvent,
  EditEvent,
  IncomingBody,
  MembershipEvent,
  MessageEvent,
  ReactionEvent,
  ReactionRemovedEvent,
  ReceiptEvent,
  RemoteEvent,
  RemoteUserId,
} from "../network/index.js";
import {
  contactContent,
  contactFileInfo,
  editContent,
  locationContent,
  mediaContent,
  replyRelation,
  textContent,
  type MatrixContent,
} from "../matrix/content/to-matrix.js";
import type { MatrixEvent } from "../matrix/events.js";
import type { MentionResolver } from "../matrix/format/index.js";
import { concatFormatted, isRetryable, NetworkError, plainText } from "../network/index.js";
import type { Storage } from "../storage/index.js";
import type { PortalRecord } from "../storage/repositories/portals.js";
import type { Ghosts } from "./ghosts.js";
import type { ActiveLogin } from "./logins.js";
import { matrixTxnId } from "./keys.js";
import { isPermanentMatrixFailure, type MatrixPort } from "./matrix-port.js";
import { portalKey, type Portals } from "./portals.js";
import type { KeyedSerialQueue } from "./serial-queue.js";

export interface RemoteEventsOptions {
  storage: Storage;
  matrix: MatrixPort;
  ghosts: Ghosts;
  portals: Portals;
  queue: KeyedSerialQueue;
  /** How many recent messages a new portal room is filled with. */
  backfillLimit: number;
  /** A network message is now in the portal's room (for portals linked into the same room). */
  onBridged?(portal: PortalRecord & { roomId: string }, event: MatrixEvent): void;
  logger: Logger;
}

const isFinalNetworkFailure = (error: unknown) => error instanceof NetworkError && !isRetryable(error);

/** Events that are worth creating a room for; the rest wait until the chat has one. */
const CREATES_ROOM = new Set<RemoteEvent["type"]>(["message", "membership", "chat-info"]);
const TYPING_TIMEOUT_MS = 15_000;

export class RemoteEvents {
  /** Users the homeserver would not let the bridge act as, despite double puppeting. */
  private readonly puppetRefused = new Set<string>();

  constructor(private readonly options: RemoteEventsOptions) {}

  /** Bridges one event; resolves when it is in Matrix (or deliberately skipped). */
  async handle(login: ActiveLogin, event: RemoteEvent): Promise<void> {
    const { storage, queue } = this.options;
    const key = portalKey(login.record.network, event.chat, login);
    const portal = storage.portals.ensure(key, event.chat.kind);
    await queue.run(`portal:${portal.id}`, async () => {
      try {
        const current = storage.portals.get(portal.id) ?? portal;
        const roomId = current.roomId ?? (CREATES_ROOM.has(event.type) ? await this.createRoom(current, login, event) : undefined);
        if (!roomId) {
          this.options.logger.debug("Skipping an event for a chat without a room", { type: event.type, chat: event.chat.id });
          return;
        }
        const ready = { ...current, roomId };
        await this.options.portals.ensureLoginMember(ready, login);
        await this.dispatch(ready, login, event);
      } catch (error) {
        // Redelivery would fail the same way, forever: log it, skip it, keep the chat flowing.
        if (!isPermanentMatrixFailure(error) && !isFinalNetworkFailure(error)) throw error;
        this.options.logger.error("Skipping a remote event that cannot be bridged", { type: event.type, chat: event.chat.id, portal: portal.id, error });
      }
    });
  }

  /** The room for a chat seen for the first time, filled with its recent history. */
  async createRoom(portal: PortalRecord, login: ActiveLogin, trigger?: RemoteEvent): Promise<string> {
    const info = await login.session.getChat(portal.chatId);
    const roomId = await this.options.portals.createRoom(portal, login, info);
    this.options.storage.portals.addMember(portal.id, login.record.id);
    const ready = { ...portal, roomId };
    if (this.options.backfillLimit > 0) {
      try {
        const history = await login.session.history(portal.chatId, this.options.backfillLimit);
        for (const message of history) await this.onMessage(ready, login, message);
        this.options.logger.info("Backfilled a new portal", { portal: portal.id, messages: history.length });
      } catch (error) {
        // The live event still gets bridged; missing history is not worth losing it for.
        this.options.logger.warn("Could not backfill a new portal", { portal: portal.id, trigger: trigger?.type, error });
      }
    }
    return roomId;
  }

  private async dispatch(portal: PortalRecord & { roomId: string }, login: ActiveLogin, event: RemoteEvent): Promise<void> {
    switch (event.type) {
      case "message":
        return this.onMessage(portal, login, event);
      case "edit":
        return this.onEdit(portal, login, event);
      case "reaction":
        return this.onReaction(portal, login, event);
      case "reaction-removed":
        return this.onReactionRemoved(portal, login, event);
      case "delete":
        return this.onDelete(portal, login, event);
      case "receipt":
        return this.onReceipt(portal, login, event);
      case "typing": {
        if (event.sender.isMe) return;
        const ghost = await this.senderUserId(portal, login, event.sender.id, false);
        await this.options.matrix.setTyping(ghost, portal.roomId, event.state !== "stopped", TYPING_TIMEOUT_MS);
        return;
      }
      case "presence": {
        if (event.sender.isMe) return;
        // Presence is per person, not per room: the ghost must exist, it need not join.
        const ghost = await this.senderUserId(portal, login, event.sender.id, false, false);
        await this.options.matrix.setPresence(ghost, event.state === "online" ? "online" : "offline");
        return;
      }
      case "chat-info":
        return this.onChatInfo(portal, event);
      case "membership":
        return this.onMembership(portal, login, event);
      case "admins": {
        const roles = [
          ...event.promoted.map((id) => ({ ...this.memberUserId(portal, id), role: "admin" as const })),
          ...event.demoted.map((id) => ({ ...this.memberUserId(portal, id), role: "member" as const })),
        ];
        await this.options.portals.setRoles(portal.roomId, roles);
        return;
      }
      case "profile": {
        const known = this.options.ghosts.knownName(portal.network, event.user);
        await this.options.ghosts.ensure(portal.network, {
          id: event.user,
          name: event.name ?? known ?? event.user,
          // Without an id from the network, the event's time stands in: it at least changes.
          ...(event.avatar ? { avatar: event.avatar, avatarId: event.avatarId ?? `${event.timestamp}` } : {}),
        });
        return;
      }
    }
  }

  async onMessage(portal: PortalRecord & { roomId: string }, login: ActiveLogin, event: MessageEvent): Promise<void> {
    const { storage, matrix } = this.options;
    if (storage.messages.findRemote(portal.id, event.id)) return;
    const sender = await this.senderUserId(portal, login, event.sender.id, event.sender.isMe);
    const reply = event.replyTo && storage.messages.findRemote(portal.id, event.replyTo.id);
    const { type, content } = await this.toMatrix(portal, login, sender, event.body);
    if (reply && !reply.deleted) Object.assign(content, replyRelation(reply.eventId));
    const eventId = await matrix.sendEvent(sender, portal.roomId, type, content, {
      txnId: matrixTxnId(portal.id, "message", event.id),
      ts: event.timestamp,
    });
    // One transaction: a restart between the two would drop the relay, the message being known.
    storage.transaction(() => {
      storage.messages.add({
        portalId: portal.id,
        remoteId: event.id,
        roomId: portal.roomId,
        eventId,
        sender: event.sender.id,
        timestamp: event.timestamp,
      });
      this.options.onBridged?.(portal, { event_id: eventId, room_id: portal.roomId, sender, type, content, origin_server_ts: event.timestamp });
    });
  }

  private async toMatrix(portal: PortalRecord, login: ActiveLogin, sender: string, body: IncomingBody): Promise<{ type: string; content: MatrixContent }> {
    const mentions = this.mentionResolver(portal);
    switch (body.kind) {
      case "text":
        return { type: "m.room.message", content: textContent(body.text, mentions) };
      case "location":
        return { type: "m.room.message", content: locationContent(body) };
      case "contact": {
        const data = Buffer.from(body.vcard, "utf8");
        const info = contactFileInfo(body.displayName);
        const mxc = await this.options.matrix.upload(sender, data, info.mimeType, info.fileName);
        return { type: "m.room.message", content: contactContent(body.displayName, mxc, data.length) };
      }
      case "media": {
        let mxc: string;
        let data: Buffer;
        try {
          data = await body.file.download();
          mxc = await this.options.matrix.upload(sender, data, body.file.mimeType, body.file.fileName);
        } catch (error) {
          // A file that is gone or too big for the homeserver: the message still arrives, saying so.
          if (!isPermanentMatrixFailure(error) && !isFinalNetworkFailure(error)) throw error;
          this.options.logger.warn("A file could not be bridged; sending a placeholder", { login: login.record.id, kind: body.media, error });
          const placeholder = plainText(`[${body.media} not bridged: ${(error as Error).message}]`);
          return { type: "m.room.message", content: textContent(body.caption ? concatFormatted(concatFormatted(placeholder, plainText("\n")), body.caption) : placeholder, mentions, "m.notice") };
        }
        this.options.logger.debug("Uploaded a file", { login: login.record.id, bytes: data.length });
        return mediaContent(body.media, mxc, { ...body.file, size: data.length }, body.caption, mentions);
      }
    }
  }

  private async onEdit(portal: PortalRecord & { roomId: string }, login: ActiveLogin, event: EditEvent): Promise<void> {
    const { storage, matrix } = this.options;
    if (storage.messages.findRemote(portal.id, event.id)) return;
    const target = storage.messages.findRemote(portal.id, event.target);
    if (!target || target.deleted) {
      this.options.logger.debug("Skipping an edit of a message that is not bridged", { target: event.target });
      return;
    }
    const sender = await this.senderUserId(portal, login, event.sender.id, event.sender.isMe);
    const newContent = textContent(event.text, this.mentionResolver(portal));
    const eventId = await matrix.sendEvent(sender, portal.roomId, "m.room.message", editContent(newContent, target.eventId), {
      txnId: matrixTxnId(portal.id, "edit", event.id),
      ts: event.timestamp,
    });
    storage.transaction(() => {
      storage.messages.add({ portalId: portal.id, remoteId: event.id, kind: "edit", targetId: event.target, roomId: portal.roomId, eventId, sender: event.sender.id, timestamp: event.timestamp });
      storage.messages.recordEdit(portal.id, event.target);
    });
  }

  private async onReaction(portal: PortalRecord & { roomId: string }, login: ActiveLogin, event: ReactionEvent): Promise<void> {
    const { storage, matrix } = this.options;
    const target = storage.messages.findRemote(portal.id, event.target);
    if (!target || target.deleted) return;
    const existing = storage.reactions.find(portal.id, event.target, event.sender.id);
    if (existing?.emoji === event.emoji) return;
    const sender = await this.senderUserId(portal, login, event.sender.id, event.sender.isMe);
    if (existing) {
      await matrix.redact(sender, portal.roomId, existing.eventId, { txnId: matrixTxnId(portal.id, "unreact", existing.eventId) });
    }
    const eventId = await matrix.sendEvent(
      sender,
      portal.roomId,
      "m.reaction",
      { "m.relates_to": { rel_type: "m.annotation", event_id: target.eventId, key: event.emoji } },
      { txnId: matrixTxnId(portal.id, "reaction", event.target, event.sender.id, event.emoji, event.timestamp), ts: event.timestamp },
    );
    storage.reactions.set({ portalId: portal.id, targetId: event.target, sender: event.sender.id, emoji: event.emoji, roomId: portal.roomId, eventId });
  }

  private async onReactionRemoved(portal: PortalRecord & { roomId: string }, login: ActiveLogin, event: ReactionRemovedEvent): Promise<void> {
    const { storage, matrix } = this.options;
    const existing = storage.reactions.find(portal.id, event.target, event.sender.id);
    if (!existing) return;
    const sender = await this.senderUserId(portal, login, event.sender.id, event.sender.isMe);
    await matrix.redact(sender, portal.roomId, existing.eventId, { txnId: matrixTxnId(portal.id, "unreact", existing.eventId) });
    storage.reactions.delete(portal.id, event.target, event.sender.id);
  }

  private async onDelete(portal: PortalRecord & { roomId: string }, login: ActiveLogin, event: DeleteEvent): Promise<void> {
    const { storage, matrix } = this.options;
    const target = storage.messages.findRemote(portal.id, event.target);
    if (!target || target.deleted) return;
    // Someone deleting another's message (a group admin) needs the bot's power to redact it.
    const own = target.sender === event.sender.id;
    const as = own ? await this.senderUserId(portal, login, event.sender.id, event.sender.isMe) : matrix.botUserId;
    await matrix.redact(as, portal.roomId, target.eventId, {
      txnId: matrixTxnId(portal.id, "delete", event.target),
      ...(own ? {} : { reason: "Deleted by a group admin" }),
    });
    storage.messages.markRemoteDeleted(portal.id, event.target);
  }

  private async onReceipt(portal: PortalRecord & { roomId: string }, login: ActiveLogin, event: ReceiptEvent): Promise<void> {
    // Matrix has read receipts only: "delivered" has no counterpart. The user's own reads on the
    // phone can be shown only as the user (double puppeting).
    if (event.kind === "delivered") return;
    if (event.sender.isMe && !this.options.matrix.canActAs(login.record.matrixUserId)) return;
    const { storage } = this.options;
    const newest = event.targets
      .map((id) => storage.messages.findRemote(portal.id, id))
      .filter((m) => m !== undefined && !m.deleted)
      .sort((a, b) => (a?.timestamp ?? 0) - (b?.timestamp ?? 0))
      .at(-1);
    if (!newest) return;
    const reader = await this.senderUserId(portal, login, event.sender.id, event.sender.isMe);
    if (event.sender.isMe && reader !== login.record.matrixUserId) return;
    await this.options.matrix.sendReadReceipt(reader, portal.roomId, newest.eventId);
  }

  private async onChatInfo(portal: PortalRecord & { roomId: string }, event: ChatInfoEvent): Promise<void> {
    const { matrix, storage } = this.options;
    const bot = matrix.botUserId;
    const info = { name: portal.name, topic: portal.topic, avatarId: portal.avatarId, avatarMxc: portal.avatarMxc };
    if (event.name !== undefined && event.name !== portal.name) {
      await matrix.sendState(bot, portal.roomId, "m.room.name", "", { name: this.options.portals.roomName(portal.network, event.name) });
      info.name = event.name;
    }
    if (event.topic !== undefined && (event.topic ?? undefined) !== portal.topic) {
      await matrix.sendState(bot, portal.roomId, "m.room.topic", "", { topic: event.topic ?? "" });
      info.topic = event.topic ?? undefined;
    }
    if (event.avatar !== undefined) {
      if (event.avatar === null) {
        await matrix.sendState(bot, portal.roomId, "m.room.avatar", "", this.options.portals.defaultAvatar(portal.network));
        info.avatarMxc = undefined;
      } else {
        const data = await event.avatar.download();
        info.avatarMxc = await matrix.upload(bot, data, event.avatar.mimeType, event.avatar.fileName);
        await matrix.sendState(bot, portal.roomId, "m.room.avatar", "", { url: info.avatarMxc, info: { mimetype: event.avatar.mimeType, size: data.length } });
      }
      info.avatarId = `${event.timestamp}`;
    }
    storage.portals.setInfo(portal.id, info);
  }

  private async onMembership(portal: PortalRecord & { roomId: string }, login: ActiveLogin, event: MembershipEvent): Promise<void> {
    const { matrix, storage, portals } = this.options;
    for (const member of event.members) {
      const bridged = storage.logins.findByRemote(portal.network, member);
      const userId = bridged ? bridged.matrixUserId : await this.senderUserId(portal, login, member, false, event.action === "add" || event.action === "join");
      if (event.action === "add" || event.action === "join") {
        if (bridged) {
          storage.portals.addMember(portal.id, bridged.id);
          await matrix.invite(matrix.botUserId, portal.roomId, userId).catch(() => undefined);
        }
        continue;
      }
      portals.forgetPresence(portal.roomId, userId);
      if (bridged) storage.portals.removeMember(portal.id, bridged.id);
      try {
        if (event.action === "leave" && !bridged) await matrix.leave(userId, portal.roomId);
        else await matrix.kick(matrix.botUserId, portal.roomId, userId, event.action === "leave" ? "Left the chat" : `Removed on ${portal.network}`);
      } catch (error) {
        // Already gone: a removal made from Matrix comes back from the network as this event.
        if (!isPermanentMatrixFailure(error)) throw error;
        this.options.logger.debug("A member was already out of the room", { room: portal.roomId, user: userId });
      }
    }
  }

  /** The Matrix user who speaks for a remote person in this room, joined and with a profile. */
  private async senderUserId(portal: PortalRecord & { roomId: string }, login: ActiveLogin, remote: RemoteUserId, isMe: boolean, join = true): Promise<string> {
    const { ghosts, portals } = this.options;
    if (isMe) {
      const puppet = await this.doublePuppet(portal, login);
      if (puppet) return puppet;
    }
    // Without double puppeting, what the user does from their phone comes from their own ghost.
    const id = isMe ? login.record.remoteUserId : remote;
    let userId = ghosts.userId(portal.network, id);
    if (ghosts.knownName(portal.network, id) === undefined) {
      const user = isMe ? { id, name: login.record.remoteName } : await login.session.getUser(id).catch(() => ({ id, name: id }));
      userId = await ghosts.ensure(portal.network, user);
    } else {
      await ghosts.ensureRegistered(userId);
    }
    if (join) await portals.ensureGhostJoined(portal.roomId, userId);
    return userId;
  }

  /**
   * The login's own Matrix account, joined to the room, when double puppeting can act as it;
   * undefined otherwise. A refusal turns it off for that user (logged once), not the message.
   */
  private async doublePuppet(portal: PortalRecord & { roomId: string }, login: ActiveLogin): Promise<string | undefined> {
    const userId = login.record.matrixUserId;
    if (!this.options.matrix.canActAs(userId) || this.puppetRefused.has(userId)) return undefined;
    try {
      await this.options.portals.ensureGhostJoined(portal.roomId, userId);
      return userId;
    } catch (error) {
      this.puppetRefused.add(userId);
      this.options.logger.warn("Double puppeting failed for this user; their own actions come from their ghost instead", { user: userId, error });
      return undefined;
    }
  }

  /** Who stands for a chat member in the room: a bridged user's own account, or a ghost. */
  private memberUserId(portal: PortalRecord, remote: RemoteUserId): { userId: string; bridged: boolean } {
    const bridged = this.options.storage.logins.findByRemote(portal.network, remote);
    return bridged ? { userId: bridged.matrixUserId, bridged: true } : { userId: this.options.ghosts.userId(portal.network, remote), bridged: false };
  }

  /** Remote mentions -> Matrix pills: a bridged user's own Matrix account, otherwise the ghost. */
  mentionResolver(portal: PortalRecord): Pick<MentionResolver, "matrixUserFor"> {
    const { ghosts, storage } = this.options;
    return {
      matrixUserFor: (remote) => {
        const name = ghosts.knownName(portal.network, remote) ?? remote;
        const bridged = storage.logins.findByRemote(portal.network, remote);
        if (bridged) return { userId: bridged.matrixUserId, displayName: bridged.remoteName };
        return { userId: ghosts.userId(portal.network, remote), displayName: ghosts.displayName(portal.network, { id: remote, name }) };
      },
    };
  }
}
