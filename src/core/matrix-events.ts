/**
 * Matrix -> network: bridges what Matrix users do in portal rooms to the chat, through the
 * sender's own login (or the portal's relay login), inside the portal's queue. Each Matrix event
 * is sent with an idempotency key derived from its id and recorded in the message map, so a
 * transaction the homeserver retries is recognised, and a retried network call makes no second
 * message. Whatever the network cannot do gets one notice to the sender, in the room.
 */
import { permissionLevelOf, type PermissionRules } from "./permissions.js";
import type { Logger } from "../logging/logger.js";
import { redactsOf, type MatrixEvent } from "../matrix/events.js";
import { parseMatrixMessage, relationOf, replyTargetOf, type ParsedMatrixMessage } from "../matrix/content/from-matrix.js";
import type { MentionResolver } from "../matrix/format/index.js";
import {
  NetworkError,
  concatFormatted,
  plainText,
  type Capabilities,
  type FormattedText,
  type MediaKind,
  type NetworkId,
  type OutgoingMessage,
} from "../network/index.js";
import type { Storage } from "../storage/index.js";
import type { PortalRecord } from "../storage/repositories/portals.js";
import { describeRefusal, type RetryDecision } from "./deliver.js";
import type { Ghosts } from "./ghosts.js";
import { networkKey } from "./keys.js";
import type { ActiveLogin, Logins } from "./logins.js";
import { DOUBLE_PUPPET_MARK, type MatrixPort } from "./matrix-port.js";
import { Outbox } from "./outbox.js";
import { Pacer, type PacedCall, type PacingLimits } from "./pacing.js";
import { NETWORK_NAMES, POWER, type Portals } from "./portals.js";
import type { KeyedSerialQueue } from "./serial-queue.js";

export interface MatrixEventsOptions {
  storage: Storage;
  portals: Portals;
  matrix: MatrixPort;
  ghosts: Ghosts;
  logins: Logins;
  queue: KeyedSerialQueue;
  permissions: PermissionRules;
  /** The limits a network's accounts are kept to (config, else the connector's). */
  pacing(network: NetworkId): PacingLimits;
  logger: Logger;
}

type Portal = PortalRecord & { roomId: string };
interface Sender {
  login: ActiveLogin;
  /** Sending for someone without a login of their own, through the portal's relay login. */
  relayed: boolean;
}

/** Thrown inside a handler to end it with one notice to the sender. */
class Refusal extends Error {}

export class MatrixEvents {
  private readonly typing = new Map<number, Set<string>>();
  private readonly toldNoLogin = new Set<string>();
  private readonly outbox: Outbox;
  private readonly pacer = new Pacer();

  constructor(private readonly options: MatrixEventsOptions) {
    this.outbox = new Outbox({
      store: options.storage.outbox,
      queue: options.queue,
      queueKey: (portalId) => `portal:${portalId}`,
      logger: options.logger.child({ module: "core.outbox" }),
      handlers: {
        attempt: (portalId, event) => this.attempt(portalId, event),
        failed: (portalId, event, error) => this.failed(portalId, event, error),
        waiting: (portalId, event, wait) => this.waiting(portalId, event, wait),
      },
    });
  }

  /** Carries on with events stored before a stop. */
  resume(): void {
    this.outbox.resume();
  }

  /** Starts no more attempts; what is still queued stays stored. */
  stop(): void {
    this.outbox.stop();
  }

  /**
   * A room event from the homeserver; resolves once it is stored for every portal of the room
   * (the outbox does it on the network), so the homeserver never waits on a network.
   */
  async onEvent(event: MatrixEvent): Promise<void> {
    for (const portal of this.portalsFor(event.room_id, event.sender, event.content)) this.outbox.enqueue(portal.id, event);
  }

  /**
   * A message already in the room (posted there from another portal's network, the two being
   * linked) for this portal's network too: it goes out through the portal's relay login, with
   * the name of who said it in front.
   */
  relay(portalId: number, event: MatrixEvent): void {
    this.outbox.enqueue(portalId, event);
  }

  /** Typing notifications and read receipts (ephemeral events). */
  async onEphemeral(event: { type: string; room_id?: string; content: Record<string, unknown> }): Promise<void> {
    if (typeof event.room_id !== "string") return;
    const roomId = event.room_id;
    const portals = this.options.storage.portals.findByRoom(roomId).filter((p): p is Portal => p.roomId !== undefined);
    for (const portal of portals) {
      await this.options.queue.run(`portal:${portal.id}`, async () => {
        try {
          if (event.type === "m.typing") await this.onTyping(portal, event.content);
          else if (event.type === "m.receipt") await this.onReceipts(portal, event.content);
        } catch (error) {
          this.options.logger.debug("Could not bridge a typing notification or receipt", { room: roomId, type: event.type, error });
        }
      });
    }
  }

  private portalsFor(roomId: string, sender: string, content: Record<string, unknown> = {}): Portal[] {
    // The bridge's own echo: from the bot or a ghost, or sent as the user by double puppeting.
    if (this.options.matrix.isBridgeUser(sender) || content[DOUBLE_PUPPET_MARK] === true) return [];
    const portals = this.options.storage.portals.findByRoom(roomId).filter((p): p is Portal => p.roomId !== undefined);
    if (portals.length === 0) return [];
    if (permissionLevelOf(sender, this.options.permissions) === "block") {
      this.options.logger.debug("Ignoring an event from a blocked user", { room: roomId, user: sender });
      return [];
    }
    return portals;
  }

  private async attempt(portalId: number, event: MatrixEvent): Promise<void> {
    const portal = this.options.storage.portals.get(portalId);
    if (!portal?.roomId || portal.roomId !== event.room_id) return;
    try {
      await this.forPortal({ ...portal, roomId: portal.roomId }, event);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      await this.notice(portal.roomId, portal.id, event, error.message);
    }
  }

  private async forPortal(portal: Portal, event: MatrixEvent): Promise<void> {
    switch (event.type) {
      case "m.room.message":
      case "m.sticker":
        return this.onMessage(portal, event);
      case "m.reaction":
        return this.onReaction(portal, event);
      case "m.room.redaction":
        return this.onRedaction(portal, event);
      case "m.room.name":
      case "m.room.topic":
      case "m.room.avatar":
        return this.onRoomInfo(portal, event);
      case "m.room.member":
        return this.onMember(portal, event);
      case "m.room.power_levels":
        return this.onPowerLevels(portal, event);
      default:
        this.options.logger.debug("Not bridging an event of this type", { portal: portal.id, type: event.type });
    }
  }

  /** The outbox gave up on the event: the sender hears why, in the room. */
  private async failed(portalId: number, event: MatrixEvent, error: unknown): Promise<void> {
    const portal = this.options.storage.portals.get(portalId);
    if (!portal?.roomId) return;
    const network = NETWORK_NAMES[portal.network];
    const log = this.options.logger.child({ portal: portal.id, room: portal.roomId, user: event.sender });
    if (error instanceof NetworkError) {
      log.warn("The network refused a Matrix event", { event: event.event_id, code: error.code, error: error.message });
      await this.notice(portal.roomId, portal.id, event, `Not delivered to ${network}. ${describeRefusal(error, network)}`);
      return;
    }
    log.error("Could not bridge a Matrix event", { event: event.event_id, type: event.type, error });
    await this.notice(portal.roomId, portal.id, event, `Not delivered to ${network}: the bridge hit an error (${(error as Error)?.message ?? String(error)}).`);
  }

  /** Tells the sender that the network makes their event (and what follows it) wait. */
  private async waiting(portalId: number, event: MatrixEvent, wait: RetryDecision): Promise<void> {
    const portal = this.options.storage.portals.get(portalId);
    if (!portal?.roomId) return;
    const network = NETWORK_NAMES[portal.network];
    const seconds = Math.max(1, Math.ceil(wait.waitMs / 1000));
    const text = wait.rateLimited
      ? `${network} asked to slow down: this is queued and goes out in about ${seconds} seconds, followed by anything sent after it.`
      : `${network} cannot be reached right now: this is queued and will be tried again in about ${seconds} seconds; anything sent after it waits too.`;
    await this.notice(portal.roomId, portal.id, event, text, "waiting");
  }

  // Messages and edits

  private async onMessage(portal: Portal, event: MatrixEvent): Promise<void> {
    const { storage } = this.options;
    if (storage.messages.findEvent(portal.id, portal.roomId, event.event_id)) return;
    const relation = relationOf(event.content);
    if (relation?.type === "m.replace") return this.onEdit(portal, event, relation.eventId);
    const sender = await this.senderFor(portal, event);
    if (!sender) return;
    const caps = sender.login.connector.capabilities;
    // Paced before the message is built: building it may download a file, wasted if it must wait.
    this.pace(sender.login, "send");
    const parsed = parseMatrixMessage(event.type, event.content, this.mentionResolver(portal));
    const message = await this.outgoing(portal, event, sender, parsed, caps);
    const replyTo = replyTargetOf(event.content);
    const target = replyTo ? storage.messages.findEvent(portal.id, portal.roomId, replyTo) : undefined;
    if (target && caps.replies) message.replyTo = { id: target.remoteId, sender: target.sender };
    const key = networkKey(portal.id, event.event_id);
    const result = await sender.login.session.send(portal.chatId, message, key);
    storage.transaction(() => {
      const base = { roomId: portal.roomId, eventId: event.event_id, sender: sender.login.record.remoteUserId, timestamp: result.timestamp };
      storage.messages.add({ portalId: portal.id, remoteId: result.id, ...base });
      // Extra messages map to the same event after the main one, so their echoes are known.
      for (const remoteId of result.extraIds ?? []) storage.messages.add({ portalId: portal.id, remoteId, ...base });
    });
  }

  private async outgoing(portal: Portal, event: MatrixEvent, sender: Sender, parsed: ParsedMatrixMessage, caps: Capabilities): Promise<OutgoingMessage> {
    const network = NETWORK_NAMES[portal.network];
    switch (parsed.kind) {
      case "rejected":
        throw new Refusal(`Not delivered to ${network}: ${parsed.reason}.`);
      case "text": {
        let text = parsed.style === "emote" ? concatFormatted(plainText("* "), parsed.text) : parsed.text;
        if (sender.relayed) text = concatFormatted(await this.relayPrefix(portal, event.sender), text);
        this.checkTextLength(text, caps, network);
        return { body: { kind: "text", text } };
      }
      case "location":
        if (!caps.locations) throw new Refusal(`Not delivered: ${network} cannot share locations.`);
        return { body: { kind: "location", latitude: parsed.latitude, longitude: parsed.longitude, ...(parsed.name ? { name: parsed.name } : {}) } };
      case "contact": {
        if (!caps.contacts) throw new Refusal(`Not delivered: ${network} cannot share contact cards.`);
        const { data } = await this.options.matrix.download(parsed.url);
        return { body: { kind: "contact", displayName: parsed.displayName, vcard: data.toString("utf8") } };
      }
      case "media": {
        const limit = caps.media[parsed.media];
        if (limit === undefined) throw new Refusal(`Not delivered: ${network} cannot send ${describeKind(parsed.media)}s.`);
        if (parsed.info.size !== undefined && parsed.info.size > limit) throw new Refusal(tooBig(parsed.media, parsed.info.size, limit, network));
        const { data, mimeType } = await this.options.matrix.download(parsed.url);
        if (data.length > limit) throw new Refusal(tooBig(parsed.media, data.length, limit, network));
        let caption = parsed.caption;
        if (sender.relayed) caption = concatFormatted(await this.relayPrefix(portal, event.sender), caption ?? plainText(""));
        if (caption) this.checkTextLength(caption, caps, network);
        const file = { ...parsed.info, mimeType: parsed.info.mimeType === "application/octet-stream" ? mimeType : parsed.info.mimeType, size: data.length, data };
        return { body: { kind: "media", media: parsed.media, file, ...(caption ? { caption } : {}) } };
      }
    }
  }

  private checkTextLength(text: FormattedText, caps: Capabilities, network: string): void {
    if (text.text.length > caps.maxTextLength) {
      throw new Refusal(`Not delivered: the message has ${text.text.length} characters and ${network} allows ${caps.maxTextLength}.`);
    }
  }

  private async onEdit(portal: Portal, event: MatrixEvent, targetEventId: string): Promise<void> {
    const { storage } = this.options;
    const network = NETWORK_NAMES[portal.network];
    const target = storage.messages.findEvent(portal.id, portal.roomId, targetEventId);
    if (!target || target.kind !== "message") throw new Refusal(`The edit was not sent to ${network}: the original message is not bridged.`);
    if (target.deleted) throw new Refusal(`The edit was not sent to ${network}: the message was deleted there.`);
    const sender = await this.senderFor(portal, event);
    if (!sender) return;
    if (sender.relayed || target.sender !== sender.login.record.remoteUserId) {
      throw new Refusal(`The edit was not sent to ${network}: only messages sent from your own ${network} account can be edited.`);
    }
    const caps = sender.login.connector.capabilities;
    if (caps.edits.windowMs === undefined) throw new Refusal(`The edit was not sent: ${network} does not support editing.`);
    const ageMs = Date.now() - target.timestamp;
    if (ageMs > caps.edits.windowMs) {
      throw new Refusal(`The edit was not sent: ${network} allows edits only within ${minutes(caps.edits.windowMs)} of sending, and this message is ${minutes(ageMs)} old.`);
    }
    if (caps.edits.maxCount !== undefined && target.editCount >= caps.edits.maxCount) {
      throw new Refusal(`The edit was not sent: ${network} allows at most ${caps.edits.maxCount} edits of a message.`);
    }
    const newContent = event.content["m.new_content"];
    if (typeof newContent !== "object" || newContent === null) throw new Refusal("The edit was not sent: it has no new content.");
    const parsed = parseMatrixMessage("m.room.message", newContent as Record<string, unknown>, this.mentionResolver(portal));
    const text = parsed.kind === "text" ? parsed.text : parsed.kind === "media" ? parsed.caption ?? plainText("") : undefined;
    if (!text) throw new Refusal(`The edit was not sent: ${network} can only change a message's text or caption.`);
    this.checkTextLength(text, caps, network);
    this.pace(sender.login, "action");
    const result = await sender.login.session.edit(portal.chatId, target.remoteId, text, networkKey(portal.id, event.event_id));
    storage.transaction(() => {
      storage.messages.add({
        portalId: portal.id,
        remoteId: result.id,
        kind: "edit",
        targetId: target.remoteId,
        roomId: portal.roomId,
        eventId: event.event_id,
        sender: sender.login.record.remoteUserId,
        timestamp: result.timestamp,
      });
      storage.messages.recordEdit(portal.id, target.remoteId);
    });
  }

  // Reactions and redactions

  private async onReaction(portal: Portal, event: MatrixEvent): Promise<void> {
    const { storage, matrix } = this.options;
    if (storage.reactions.findEvent(portal.id, portal.roomId, event.event_id)) return;
    const relation = relationOf(event.content);
    if (relation?.type !== "m.annotation" || !relation.key) return;
    const target = storage.messages.findEvent(portal.id, portal.roomId, relation.eventId);
    if (!target || target.kind !== "message" || target.deleted) return;
    const sender = await this.senderFor(portal, event);
    if (!sender) return;
    const network = NETWORK_NAMES[portal.network];
    if (sender.relayed) throw new Refusal(`Reactions are not sent to ${network} through the relay: log in to react.`);
    const me = sender.login.record.remoteUserId;
    const previous = storage.reactions.find(portal.id, target.remoteId, me);
    this.pace(sender.login, "action");
    await sender.login.session.react(portal.chatId, target.remoteId, relation.key as string, networkKey(portal.id, event.event_id));
    storage.reactions.set({ portalId: portal.id, targetId: target.remoteId, sender: me, emoji: relation.key, roomId: portal.roomId, eventId: event.event_id });
    if (previous && previous.eventId !== event.event_id && sender.login.connector.capabilities.reactions.perUser === 1) {
      // The network keeps one reaction per person: the new one replaced the old there, so the
      // room shows the same.
      await matrix.redact(matrix.botUserId, portal.roomId, previous.eventId, {
        txnId: `replaced-${networkKey(portal.id, previous.eventId)}`,
        reason: `${network} allows one reaction per person; replaced by ${relation.key}`,
      });
    }
  }

  private async onRedaction(portal: Portal, event: MatrixEvent): Promise<void> {
    const { storage } = this.options;
    const redacts = redactsOf(event);
    if (!redacts) return;
    const reaction = storage.reactions.findEvent(portal.id, portal.roomId, redacts);
    const message = reaction ? undefined : storage.messages.findEvent(portal.id, portal.roomId, redacts);
    // One Matrix event may be several remote messages (a caption); a retry goes on with those left.
    const parts = message ? storage.messages.listEvent(portal.id, portal.roomId, message.eventId).map((part, index) => ({ part, index })) : [];
    const left = parts.filter(({ part }) => !part.deleted);
    if (!reaction && (!message || message.kind !== "message" || left.length === 0)) return;
    const sender = await this.senderFor(portal, event);
    if (!sender) return;
    const network = NETWORK_NAMES[portal.network];
    const me = sender.login.record.remoteUserId;
    const key = networkKey(portal.id, event.event_id);
    if (reaction) {
      if (reaction.sender !== me) return;
      this.pace(sender.login, "action");
      await sender.login.session.removeReaction(portal.chatId, reaction.targetId, key);
      storage.reactions.delete(portal.id, reaction.targetId, me);
      return;
    }
    if (!message) return;
    const caps = sender.login.connector.capabilities;
    if (message.sender !== me && !caps.deletes.adminsDeleteOthers) {
      throw new Refusal(`Not deleted on ${network}: only your own messages can be deleted there.`);
    }
    const ageMs = Date.now() - message.timestamp;
    if (caps.deletes.windowMs !== undefined && ageMs > caps.deletes.windowMs) {
      throw new Refusal(`Not deleted on ${network}: messages can be deleted for everyone only within ${hours(caps.deletes.windowMs)}, and this one is ${hours(ageMs)} old.`);
    }
    for (const { part, index } of left) {
      this.pace(sender.login, "action");
      // Each part keeps the key of its place, so a retry repeats nothing under another key.
      await sender.login.session.delete(portal.chatId, part.remoteId, index === 0 ? key : `${key}:${index}`);
      storage.messages.markRemoteDeleted(portal.id, part.remoteId);
    }
  }

  // Room state and membership

  private async onRoomInfo(portal: Portal, event: MatrixEvent): Promise<void> {
    if (portal.kind !== "group" || event.state_key !== "") return;
    const sender = await this.senderFor(portal, event, false);
    if (!sender) return;
    const { session, connector } = sender.login;
    const groups = connector.capabilities.groups;
    const network = NETWORK_NAMES[portal.network];
    const content = event.content;
    if (event.type === "m.room.name" && typeof content["name"] === "string") {
      if (!groups.rename) throw new Refusal(`${network} groups cannot be renamed from here.`);
      const name = this.options.portals.groupName(portal.network, content["name"]);
      if (name === portal.name) return;
      this.pace(sender.login, "action");
      await session.setChatName(portal.chatId, name);
      this.options.storage.portals.setInfo(portal.id, { ...portal, name });
    } else if (event.type === "m.room.topic" && typeof content["topic"] === "string") {
      if (!groups.topic) throw new Refusal(`${network} groups have no description to change.`);
      if (content["topic"] === (portal.topic ?? "")) return;
      this.pace(sender.login, "action");
      await session.setChatTopic(portal.chatId, content["topic"] as string);
      this.options.storage.portals.setInfo(portal.id, { ...portal, topic: content["topic"] });
    } else if (event.type === "m.room.avatar") {
      if (!groups.avatar) throw new Refusal(`${network} group pictures cannot be changed from here.`);
      const url = typeof content["url"] === "string" ? content["url"] : undefined;
      if (url === portal.avatarMxc) return;
      const image = url ? await this.options.matrix.download(url) : undefined;
      this.pace(sender.login, "action");
      await session.setChatAvatar(portal.chatId, image ? { data: image.data, mimeType: image.mimeType } : null);
      this.options.storage.portals.setInfo(portal.id, { ...portal, avatarMxc: url, avatarId: url });
    }
  }

  private async onMember(portal: Portal, event: MatrixEvent): Promise<void> {
    const target = event.state_key;
    if (target === undefined) return;
    const membership = event.content["membership"];
    const { storage, ghosts } = this.options;
    if (target === event.sender) {
      // A Matrix user leaving a portal stops seeing it; it does not leave the chat on the network.
      if (membership === "leave") {
        for (const login of this.options.logins.activeFor(target, portal.network)) storage.portals.removeMember(portal.id, login.record.id);
      }
      return;
    }
    const remote = ghosts.remoteUserOf(target);
    if (!remote || remote.network !== portal.network || portal.kind !== "group") return;
    const previous = (event.unsigned?.["prev_content"] as Record<string, unknown> | undefined)?.["membership"];
    const adding = membership === "invite" && previous !== "join";
    const removing = (membership === "leave" || membership === "ban") && (previous === "join" || previous === "invite");
    if (!adding && !removing) return;
    const sender = await this.senderFor(portal, event, false);
    if (!sender) return;
    if (!sender.login.connector.capabilities.groups.membership) throw new Refusal(`Members of ${NETWORK_NAMES[portal.network]} groups cannot be changed from here.`);
    this.pace(sender.login, "action");
    if (adding) await sender.login.session.addMembers(portal.chatId, [remote.remoteUserId]);
    else await sender.login.session.removeMembers(portal.chatId, [remote.remoteUserId]);
  }

  private async onPowerLevels(portal: Portal, event: MatrixEvent): Promise<void> {
    if (portal.kind !== "group") return;
    const users = (content: unknown) => ((content as { users?: Record<string, number> } | undefined)?.users ?? {});
    const now = users(event.content);
    const before = users(event.unsigned?.["prev_content"]);
    const changes: { remote: string; admin: boolean }[] = [];
    for (const userId of new Set([...Object.keys(now), ...Object.keys(before)])) {
      const remote = this.options.ghosts.remoteUserOf(userId);
      if (!remote || remote.network !== portal.network) continue;
      const wasAdmin = (before[userId] ?? 0) >= POWER.admin;
      const isAdmin = (now[userId] ?? 0) >= POWER.admin;
      if (wasAdmin !== isAdmin) changes.push({ remote: remote.remoteUserId, admin: isAdmin });
    }
    if (changes.length === 0) return;
    const sender = await this.senderFor(portal, event, false);
    if (!sender) return;
    if (!sender.login.connector.capabilities.groups.admins) throw new Refusal(`${NETWORK_NAMES[portal.network]} group admins cannot be changed from here.`);
    for (const change of changes) {
      this.pace(sender.login, "action");
      await sender.login.session.setAdmin(portal.chatId, change.remote, change.admin);
    }
  }

  // Typing and receipts

  private async onTyping(portal: Portal, content: Record<string, unknown>): Promise<void> {
    const ids = Array.isArray(content["user_ids"]) ? content["user_ids"].filter((id): id is string => typeof id === "string") : [];
    const now = new Set(ids);
    const before = this.typing.get(portal.id) ?? new Set<string>();
    this.typing.set(portal.id, now);
    for (const userId of new Set([...now, ...before])) {
      if (now.has(userId) === before.has(userId)) continue;
      const login = this.ownLogin(portal, userId);
      if (login?.connector.capabilities.typing) await login.session.setTyping(portal.chatId, now.has(userId));
    }
  }

  private async onReceipts(portal: Portal, content: Record<string, unknown>): Promise<void> {
    for (const [eventId, receipts] of Object.entries(content)) {
      const read = (receipts as Record<string, unknown> | null)?.["m.read"];
      if (typeof read !== "object" || read === null) continue;
      const message = this.options.storage.messages.findEvent(portal.id, portal.roomId, eventId);
      if (!message || message.deleted) continue;
      for (const userId of Object.keys(read)) {
        const login = this.ownLogin(portal, userId);
        if (!login || login.connector.capabilities.receipts === "none") continue;
        // Marking one's own message read means nothing to the network.
        if (message.sender === login.record.remoteUserId) continue;
        await login.session.markRead(portal.chatId, [message.remoteId]);
      }
    }
  }

  // Who sends

  /** The user's own connected login in this portal's chat. */
  private ownLogin(portal: Portal, userId: string): ActiveLogin | undefined {
    const members = this.options.storage.portals.loginIds(portal.id);
    return this.options.logins
      .activeFor(userId, portal.network)
      .find((login) => members.includes(login.record.id) || (portal.kind === "direct" && portal.receiver === login.record.remoteUserId));
  }

  /**
   * The login that acts for the sender: their own, or the relay for users with relay permission.
   * Without either, the sender is told once per room why nothing reached the network.
   */
  private async senderFor(portal: Portal, event: MatrixEvent, relayAllowed = true): Promise<Sender | undefined> {
    const level = permissionLevelOf(event.sender, this.options.permissions);
    const own = level === "user" || level === "admin" ? this.ownLogin(portal, event.sender) : undefined;
    if (own) return { login: own, relayed: false };
    const relay = relayAllowed && portal.relayLoginId !== undefined ? this.options.logins.get(portal.relayLoginId) : undefined;
    if (relay) return { login: relay, relayed: true };
    const once = `${portal.id}\u0000${event.sender}`;
    if (!this.toldNoLogin.has(once)) {
      this.toldNoLogin.add(once);
      const network = NETWORK_NAMES[portal.network];
      const how = level === "user" || level === "admin" ? `Log in with 'login ${portal.network}' in your management room` : "Ask someone to set a relay here";
      await this.notice(portal.roomId, portal.id, event, `Your messages here are not sent to ${network}: you have no ${network} login in this chat. ${how}.`);
    }
    return undefined;
  }

  /** Throws a rate limit (the outbox waits it out) when the account must slow down first. */
  private pace(login: ActiveLogin, call: PacedCall): void {
    this.pacer.check(String(login.record.id), call, this.options.pacing(login.record.network), login.record.network);
  }

  private async relayPrefix(portal: Portal, userId: string): Promise<FormattedText> {
    const member = await this.options.matrix.getState(portal.roomId, "m.room.member", userId).catch(() => undefined);
    // A ghost's id may hold a phone number: without a name it is "Someone", never its id.
    const fallback = this.options.matrix.isBridgeUser(userId) ? "Someone" : userId;
    const name = typeof member?.["displayname"] === "string" && member["displayname"] ? member["displayname"] : fallback;
    return { text: `${name}: `, entities: [{ type: "bold", offset: 0, length: name.length }] };
  }

  private mentionResolver(portal: Portal): Pick<MentionResolver, "remoteUserFor"> {
    const { ghosts, storage } = this.options;
    return {
      remoteUserFor: (userId) => {
        const ghost = ghosts.remoteUserOf(userId);
        if (ghost) return ghost.network === portal.network ? ghost.remoteUserId : undefined;
        return storage.logins.listForUser(userId).find((l) => l.network === portal.network)?.remoteUserId;
      },
    };
  }

  /** A notice to the sender, as a reply to their event; `kind` tells apart notices about one event. */
  private async notice(roomId: string, portalId: number, event: MatrixEvent, text: string, kind = "notice"): Promise<void> {
    const { matrix } = this.options;
    try {
      await matrix.sendEvent(
        matrix.botUserId,
        roomId,
        "m.room.message",
        { msgtype: "m.notice", body: text, "m.relates_to": { "m.in_reply_to": { event_id: event.event_id } } },
        { txnId: `${kind}-${networkKey(portalId, event.event_id)}` },
      );
    } catch (error) {
      this.options.logger.warn("Could not send a notice to the room", { room: roomId, error });
    }
  }
}

function describeKind(kind: MediaKind): string {
  return kind === "file" ? "file" : kind === "voice" ? "voice message" : kind;
}

function tooBig(kind: MediaKind, size: number, limit: number, network: string): string {
  return `Not delivered: the ${describeKind(kind)} is ${megabytes(size)} and ${network} accepts at most ${megabytes(limit)}.`;
}

const megabytes = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
const minutes = (ms: number) => `${Math.round(ms / 60_000)} minutes`;
const hours = (ms: number) => `${Math.round(ms / 3_600_000)} hours`;
