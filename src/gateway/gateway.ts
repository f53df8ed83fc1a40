/**
 * The cross-network gateway, assembled: crosschat as the interoperability provider of every
 * network whose config turns it on, with one Matrix room per conversation as the common
 * backbone (docs/cross-network.md). Network events come in through `Inbound`; Matrix events of
 * conversation rooms, and what `Inbound` posts there, go out through one outbox lane per
 * network chat (`Outbound`).
 */
import type { Config } from "../config/schema.js";
import type { Ghosts } from "../core/ghosts.js";
import type { MatrixPort } from "../core/matrix-port.js";
import { Outbox } from "../core/outbox.js";
import { describeRefusal } from "../core/deliver.js";
import { postNotice } from "../core/notices.js";
import { NETWORK_NAMES } from "../core/portals.js";
import { isPermanentMatrixFailure } from "../core/matrix-port.js";
import { hasPermission, permissionLevelOf } from "../core/permissions.js";
import { KeyedSerialQueue } from "../core/serial-queue.js";
import type { Logger } from "../logging/logger.js";
import { redactsOf, type MatrixEvent } from "../matrix/events.js";
import { NetworkError, isRetryable, type NetworkId } from "../network/index.js";
import type { InteropEvent, InteropKit } from "../simnet/client/interop.js";
import type { Storage } from "../storage/index.js";
import { Conversations } from "./conversations.js";
import { Directory, localpartName } from "./directory.js";
import { Inbound } from "./inbound.js";
import { Outbound } from "./outbound.js";
import { matrixKey, nativeKey, parseParticipant, type Participant } from "./participants.js";
import { ProviderSessions } from "./providers.js";

export interface GatewayOptions {
  config: Config;
  storage: Storage;
  matrix: MatrixPort;
  ghosts: Ghosts;
  kits: Readonly<Record<NetworkId, InteropKit>>;
  /** Tokens and keys the logs must never show. */
  secret(value: string): void;
  logger: Logger;
}

/** Membership changes, from any side, one at a time: they create chats and rooms. */
const MEMBERSHIP = "gateway:membership";
/** Tries of one network event that keeps failing before it is logged and skipped, so it cannot hold up the stream. */
const EVENT_ATTEMPTS = 5;

export class Gateway {
  private readonly sessions: ProviderSessions;
  private readonly directory: Directory;
  private readonly conversations: Conversations;
  private readonly inbound: Inbound;
  private readonly outbound: Outbound;
  private readonly outbox: Outbox;
  private readonly queue = new KeyedSerialQueue();
  /** Who the homeserver last said is typing, per conversation room. */
  private readonly typing = new Map<string, Set<string>>();
  /** Failed tries of network events, by a key naming the event. */
  private readonly failures = new Map<string, number>();

  constructor(private readonly options: GatewayOptions) {
    const { config, storage, matrix, ghosts, kits, logger } = options;
    this.sessions = new ProviderSessions({
      config,
      kits,
      store: storage.gatewayPeople,
      secret: options.secret,
      logger: logger.child({ module: "gateway.providers" }),
      onEvent: (network, event) => this.onNetworkEvent(network, event),
      onConnected: (network) => this.queue.run(MEMBERSHIP, () => this.catchUp(network)),
    });
    this.directory = new Directory({ store: storage.gatewayPeople, messages: storage.gatewayMessages, sessions: this.sessions, ghosts, matrix, logger });
    this.conversations = new Conversations({
      store: storage.gatewayRooms,
      directory: this.directory,
      sessions: this.sessions,
      matrix,
      notice: (roomId, text) => this.notice(roomId, text),
      logger: logger.child({ module: "gateway.rooms" }),
    });
    this.inbound = new Inbound({
      storage,
      matrix,
      directory: this.directory,
      conversations: this.conversations,
      sessions: this.sessions,
      fanOut: (event, except) => this.fanOut(event, except),
      membership: (change) => this.queue.run(MEMBERSHIP, change),
      logger: logger.child({ module: "gateway.inbound" }),
    });
    this.outbound = new Outbound({ config, storage, matrix, directory: this.directory, sessions: this.sessions, notice: (roomId, text) => this.notice(roomId, text) });
    this.outbox = new Outbox({
      store: storage.gatewayOutbox,
      queue: this.queue,
      queueKey: (lane) => `gateway:chat:${lane}`,
      logger: logger.child({ module: "gateway.outbox" }),
      handlers: {
        attempt: (lane, event) => this.outbound.attempt(lane, event),
        failed: (lane, event, error) => this.notice(event.room_id, `Not delivered to ${this.outbound.networkOf(lane)}: ${this.refusal(error, this.outbound.networkOf(lane))}`),
        waiting: (lane, event, wait) =>
          this.notice(event.room_id, `${this.outbound.networkOf(lane)} asks the bridge to wait (${Math.ceil(wait.waitMs / 1000)} s); what was sent here will follow, in order.`),
      },
    });
  }

  /** Networks whose config offers cross-network chat. */
  get networks(): NetworkId[] {
    return this.sessions.enabledNetworks;
  }

  async start(): Promise<void> {
    if (this.networks.length === 0) {
      const left = this.options.storage.gatewayOutbox.size();
      if (left > 0) this.options.logger.warn(`${left} cross-network event(s) wait for networks whose cross_network is now off; they go out if it is turned on again`);
      return;
    }
    await this.sessions.start();
    this.outbox.resume();
  }

  async stop(): Promise<void> {
    this.outbox.stop();
    await this.sessions.stop();
  }

  isConversation(roomId: string): boolean {
    return this.conversations.isConversation(roomId);
  }

  /** Whether a Matrix event is the gateway's: in a conversation room, or inviting one of its people into a room. */
  handles(event: MatrixEvent): boolean {
    if (this.networks.length === 0) return false;
    if (this.conversations.isConversation(event.room_id)) return true;
    return (
      event.type === "m.room.member" &&
      event.content["membership"] === "invite" &&
      this.options.storage.portals.findByRoom(event.room_id).length === 0 &&
      this.invitedNative(event) !== undefined
    );
  }

  async onMatrixEvent(event: MatrixEvent): Promise<void> {
    const { matrix } = this.options;
    if (!matrix.isBridgeUser(event.sender) && permissionLevelOf(event.sender, this.options.config.permissions) === "block") {
      this.options.logger.debug("Ignoring an event from a blocked user", { room: event.room_id, user: event.sender });
      return;
    }
    if (event.type === "m.room.member") return this.queue.run(MEMBERSHIP, () => this.onMembership(event));
    if (matrix.isBridgeUser(event.sender)) return;
    const sender = this.directory.participantOfUser(event.sender);
    // Only those taking part: someone taken out (who turned cross-network chat off, say) whom the
    // room could not kick is not brought back by writing.
    if (!sender || !this.options.storage.gatewayRooms.isMember(event.room_id, sender.key)) return;
    const messages = this.options.storage.gatewayMessages;
    this.options.storage.gatewayRooms.transaction(() => {
      if (event.type === "m.reaction") {
        const relation = event.content["m.relates_to"] as { event_id?: unknown; key?: unknown } | undefined;
        if (typeof relation?.event_id === "string" && typeof relation.key === "string") {
          messages.addReaction({ eventId: event.event_id, roomId: event.room_id, targetEvent: relation.event_id, participant: sender.key, emoji: relation.key });
        }
      }
      if (event.type === "m.room.redaction") {
        const redacts = redactsOf(event);
        if (redacts) messages.markRedacted(redacts);
      }
      this.fanOut(event);
    });
  }

  /** Typing and read receipts of Matrix users in conversations: best effort, like on the networks. */
  async onEphemeral(event: { type: string; room_id?: string; content: Record<string, unknown> }): Promise<void> {
    const roomId = event.room_id;
    if (!roomId || !this.conversations.isConversation(roomId)) return;
    if (event.type === "m.typing") await this.onTyping(roomId, event.content);
    if (event.type === "m.receipt") await this.onReceipts(roomId, event.content);
  }

  /** Opens (or finds) a direct conversation between a Matrix user and someone on a network, by their handle there. */
  async startDirect(userId: string, network: NetworkId, handle: string): Promise<{ roomId: string; name: string; created: boolean } | undefined> {
    const user = await this.sessions.require(network).lookup(handle);
    if (!user) return undefined;
    return this.queue.run(MEMBERSHIP, async () => {
      const native = parseParticipant(nativeKey(network, user.id)) as Participant;
      const me = parseParticipant(matrixKey(userId)) as Participant;
      await this.directory.remember(native, user.name);
      const name = `${user.name} (${NETWORK_NAMES[network]})`;
      const existing = this.options.storage.gatewayRooms.directBetween(me.key, native.key);
      if (existing) {
        await this.options.matrix.invite(this.options.matrix.botUserId, existing, userId).catch(() => undefined);
        await this.conversations.ensureChats(existing, me);
        return { roomId: existing, name, created: false };
      }
      const roomId = await this.conversations.create({ kind: "direct", participants: [me, native], creator: me });
      return { roomId, name, created: true };
    });
  }

  /**
   * A Matrix user's own "third-party chats" setting. On: they are published on every network that
   * offers cross-network chat, so people there can find them and start chats with them. Off: they
   * are withdrawn everywhere and taken out of every cross-network conversation, as a network's own
   * user is when they opt out. Resolves to where they are now published, and as what.
   */
  async setCrossNetwork(userId: string, on: boolean): Promise<{ networks: NetworkId[]; handle?: string }> {
    const me = parseParticipant(matrixKey(userId)) as Participant;
    return this.queue.run(MEMBERSHIP, async () => {
      if (on) {
        const name = (await this.options.matrix.getDisplayName(userId).catch(() => undefined)) ?? localpartName(userId);
        await this.inbound.publishEverywhere(me, name);
        const { gatewayPeople } = this.options.storage;
        const published = gatewayPeople.publishedOn(me.key);
        return { networks: this.networks.filter((network) => published.includes(network)), handle: gatewayPeople.get(me.key)?.handle ?? "" };
      }
      for (const roomId of this.options.storage.gatewayRooms.roomsOf(me.key)) {
        await this.conversations.remove(roomId, me, {}, "You turned cross-network chat off");
      }
      await this.directory.withdraw(me);
      return { networks: [] };
    });
  }

  /**
   * An admin's erasure of someone from a network: their ghost leaves every conversation room,
   * their identity is withdrawn from the other networks, and their name, handle and reactions
   * are forgotten. If they write again, they appear anew.
   */
  async forget(network: NetworkId, id: string): Promise<{ conversations: number; person: boolean }> {
    const participant = parseParticipant(nativeKey(network, id));
    if (!participant) return { conversations: 0, person: false };
    return this.queue.run(MEMBERSHIP, async () => {
      const { gatewayRooms, gatewayPeople } = this.options.storage;
      const person = gatewayPeople.get(participant.key) !== undefined;
      const rooms = gatewayRooms.roomsOf(participant.key);
      const ghost = this.directory.matrixUserOf(participant);
      for (const roomId of rooms) {
        gatewayRooms.removeMember(roomId, participant.key);
        await this.options.matrix.leave(ghost, roomId, "Forgotten on an admin's request").catch(() => undefined);
      }
      await this.directory.withdraw(participant);
      return { conversations: rooms.length, person };
    });
  }

  /** Whether cross-network chat is offered on a network. */
  offers(network: NetworkId): boolean {
    return this.networks.includes(network);
  }

  private fanOut(event: MatrixEvent, except?: NetworkId): void {
    for (const chat of this.options.storage.gatewayRooms.chatsIn(event.room_id)) {
      if (chat.network !== except) this.outbox.enqueue(chat.id, event);
    }
  }

  private async onMembership(event: MatrixEvent): Promise<void> {
    const { matrix, storage } = this.options;
    const target = event.state_key;
    const membership = event.content["membership"];
    if (typeof target !== "string" || target === matrix.botUserId) return;
    const participant = this.directory.participantOfUser(target);
    if (!participant) return;
    const isConversation = this.conversations.isConversation(event.room_id);
    const by = this.directory.participantOfUser(event.sender);
    if (participant.kind === "native") {
      // Only people the gateway knows through a network's interoperability API: a portal's ghost is someone else's contact.
      if (!storage.gatewayPeople.get(participant.key)) return;
      if (membership === "invite" && event.sender !== target) {
        if (!isConversation) return this.startFromRoom(event, participant, by);
        await this.conversations.add(event.room_id, participant, {}, by);
      } else if ((membership === "leave" || membership === "ban") && event.sender !== target && isConversation) {
        await this.conversations.remove(event.room_id, participant, { matrix: true });
      }
      return;
    }
    if (!isConversation) return;
    if (membership === "join") {
      const name = typeof event.content["displayname"] === "string" ? event.content["displayname"] : undefined;
      if (name) await this.directory.remember(participant, name);
      await this.conversations.add(event.room_id, participant, { matrix: true });
    } else if (membership === "leave" || membership === "ban") {
      await this.conversations.remove(event.room_id, participant, { matrix: true });
    }
  }

  /** A Matrix user invited someone from a network into a room: the room becomes a conversation. */
  private async startFromRoom(event: MatrixEvent, native: Participant, by: Participant | undefined): Promise<void> {
    if (!by || by.kind !== "matrix" || !hasPermission(by.userId, this.options.config.permissions, "user")) return;
    const { storage, matrix } = this.options;
    const kind = event.content["is_direct"] === true ? "direct" : "group";
    const name = await matrix.getState(event.room_id, "m.room.name", "").catch(() => undefined);
    const title = typeof name?.["name"] === "string" ? name["name"] : undefined;
    const ghost = this.directory.matrixUserOf(native);
    await matrix.join(ghost, event.room_id);
    // The Matrix users already in the room take part as well as the one inviting.
    const present = (await matrix.joinedMembers(ghost, event.room_id).catch(() => [])).filter((userId) => !matrix.isBridgeUser(userId) && hasPermission(userId, this.options.config.permissions, "relay"));
    storage.gatewayRooms.transaction(() => {
      storage.gatewayRooms.addRoom(event.room_id, kind, title);
      for (const userId of new Set([by.userId, ...present])) storage.gatewayRooms.addMember(event.room_id, matrixKey(userId));
      storage.gatewayRooms.addMember(event.room_id, native.key);
    });
    // The bot tells the room what the networks refused: it comes in through the ghost's invite.
    try {
      await matrix.invite(ghost, event.room_id, matrix.botUserId);
      await matrix.join(matrix.botUserId, event.room_id);
    } catch (error) {
      this.options.logger.warn("The bot could not join a conversation room; notices will be missing there", { room: event.room_id, error });
    }
    await this.conversations.ensureChats(event.room_id, by);
  }

  /** A Matrix user's typing, passed to each network as their identity. */
  private async onTyping(roomId: string, content: Record<string, unknown>): Promise<void> {
    const now = new Set(Array.isArray(content["user_ids"]) ? content["user_ids"].filter((u): u is string => typeof u === "string" && !this.options.matrix.isBridgeUser(u)) : []);
    const before = this.typing.get(roomId) ?? new Set<string>();
    this.typing.set(roomId, now);
    const changes: [string, boolean][] = [
      ...[...now].filter((u) => !before.has(u)).map((u): [string, boolean] => [u, true]),
      ...[...before].filter((u) => !now.has(u)).map((u): [string, boolean] => [u, false]),
    ];
    for (const [userId, typing] of changes) {
      const participant = this.directory.participantOfUser(userId);
      if (!participant || !this.options.storage.gatewayRooms.isMember(roomId, participant.key)) continue;
      for (const chat of this.options.storage.gatewayRooms.chatsIn(roomId)) {
        await this.directory.bestEffort(chat.network as NetworkId, participant, (provider, as) => provider.typing(chat.chatId, as, typing));
      }
    }
  }

  private async onReceipts(roomId: string, content: Record<string, unknown>): Promise<void> {
    for (const [eventId, receipt] of Object.entries(content)) {
      const readers = Object.keys(((receipt as Record<string, unknown> | null)?.["m.read"] ?? {}) as Record<string, unknown>);
      for (const userId of readers) {
        if (this.options.matrix.isBridgeUser(userId)) continue;
        const participant = this.directory.participantOfUser(userId);
        if (!participant || !this.options.storage.gatewayRooms.isMember(roomId, participant.key)) continue;
        for (const chat of this.options.storage.gatewayRooms.chatsIn(roomId)) {
          const messageId = this.options.storage.gatewayMessages.messageOn(eventId, chat.network);
          if (messageId) await this.directory.bestEffort(chat.network as NetworkId, participant, (provider, as) => provider.markRead(chat.chatId, as, messageId));
        }
      }
    }
  }

  /** After (re)connecting: everyone opted in there is published on the other networks, and the other networks' people there. */
  private async catchUp(network: NetworkId): Promise<void> {
    const provider = this.sessions.provider(network);
    if (!provider) return;
    try {
      for (const user of await provider.optedIn()) await this.inbound.publishEverywhere(parseParticipant(nativeKey(network, user.id)) as Participant, user.name);
      for (const person of this.options.storage.gatewayPeople.all()) {
        const participant = parseParticipant(person.participant);
        if (participant?.kind === "native" && participant.network !== network) await this.directory.identityOn(network, participant);
      }
    } catch (error) {
      this.options.logger.warn("Could not catch up with a network's opted-in users", { network, error });
    }
  }

  /**
   * One network event, membership changes in order with everything else that changes members. A
   * failure that may pass (the homeserver or a network briefly away) has the network send the
   * event again; one that cannot pass, or that keeps failing, is logged and skipped, so one bad
   * event never holds up the network's stream.
   */
  private async onNetworkEvent(network: NetworkId, event: InteropEvent): Promise<void> {
    const membership = event.type === "chat" || event.type === "members" || event.type === "opt_in" || event.type === "opt_out";
    const handle = () => this.inbound.onEvent(network, event);
    const key = `${network}:${JSON.stringify(event)}`;
    try {
      await (membership ? this.queue.run(MEMBERSHIP, handle) : handle());
      this.failures.delete(key);
    } catch (error) {
      // Typing is live only: never sent again, so neither counted nor worth a retry.
      if (event.type === "typing") return;
      const tries = (this.failures.get(key) ?? 0) + 1;
      const permanent = isPermanentMatrixFailure(error) || (error instanceof NetworkError && !isRetryable(error));
      if (!permanent && tries < EVENT_ATTEMPTS) {
        this.failures.set(key, tries);
        throw error;
      }
      this.failures.delete(key);
      this.options.logger.error("Skipped a network event the bridge could not handle", { network, type: event.type, tries, error });
      const chat = "chat" in event && typeof event.chat === "string" ? this.options.storage.gatewayRooms.chatOf(network, event.chat) : undefined;
      if (chat) await this.notice(chat.roomId, `Something sent on ${NETWORK_NAMES[network]} (${event.type}) could not be bridged here and was skipped: ${(error as Error)?.message ?? String(error)}`);
    }
  }

  /** Why a network refused, for the room; a refused provider is not anyone's lost login. */
  private refusal(error: unknown, network: string): string {
    if (error instanceof NetworkError && error.code === "logged_out") return `${network} no longer accepts the bridge as its interoperability provider (${error.message}).`;
    return describeRefusal(error, network);
  }

  private notice(roomId: string, text: string): Promise<void> {
    return postNotice(this.options.matrix, roomId, text, this.options.logger);
  }

  private invitedNative(event: MatrixEvent): Participant | undefined {
    const participant = typeof event.state_key === "string" ? this.directory.participantOfUser(event.state_key) : undefined;
    const known = participant !== undefined && this.options.storage.gatewayPeople.get(participant.key) !== undefined;
    return participant?.kind === "native" && known && this.offers(participant.network) ? participant : undefined;
  }
}
