/**
 * Cross-network conversations and who is in them. Each is one Matrix room with every participant
 * in it (a network's users as ghosts, Matrix users as themselves), and one chat on each network
 * that has people in it, where that network's users are themselves and everyone else is a
 * third-party identity. A change of members on any side is made on all the others.
 */
import type { MatrixPort } from "../core/matrix-port.js";
import type { Logger } from "../logging/logger.js";
import type { NetworkId } from "../network/index.js";
import { NETWORK_NAMES, POWER } from "../core/portals.js";
import type { InteropParticipant } from "../simnet/client/interop.js";
import type { ConversationKind, GatewayChatRecord, GatewayRoomRepository } from "../storage/repositories/gateway-rooms.js";
import type { Directory } from "./directory.js";
import { mayPass } from "./errors.js";
import { homeNetwork, parseParticipant, type Participant } from "./participants.js";
import type { ProviderSessions } from "./providers.js";

export interface ConversationsOptions {
  store: GatewayRoomRepository;
  directory: Directory;
  sessions: ProviderSessions;
  matrix: MatrixPort;
  /** Tells the room what a network refused. */
  notice(roomId: string, text: string): Promise<void>;
  logger: Logger;
}

/** Where a change of members came from: that side has it already. */
export interface Origin {
  network?: NetworkId;
  /** The Matrix room itself (a join, a leave or a kick there). */
  matrix?: boolean;
}

export class Conversations {
  constructor(private readonly options: ConversationsOptions) {}

  isConversation(roomId: string): boolean {
    return this.options.store.room(roomId) !== undefined;
  }

  participants(roomId: string): Participant[] {
    return this.options.store.members(roomId).flatMap((key) => parseParticipant(key) ?? []);
  }

  /**
   * Makes the room for a new conversation, with a chat on every network that has people in it.
   * `chat` is the network chat it started from, if it started on a network.
   */
  async create(spec: { kind: ConversationKind; title?: string; participants: Participant[]; chat?: { network: NetworkId; id: string }; creator: Participant }): Promise<string> {
    const { matrix, store, directory } = this.options;
    const matrixUsers = spec.participants.filter((p) => p.kind === "matrix").map((p) => directory.matrixUserOf(p));
    const ghosts: string[] = [];
    for (const native of spec.participants.filter((p) => p.kind === "native")) ghosts.push(await directory.enter(native));
    const users: Record<string, number> = { [matrix.botUserId]: POWER.bot };
    for (const user of matrixUsers) users[user] = POWER.admin;
    const roomId = await matrix.createRoom({
      ...(spec.kind === "group" && spec.title ? { name: spec.title } : {}),
      isDirect: spec.kind === "direct",
      invite: [...matrixUsers, ...ghosts],
      powerLevels: { users, users_default: 0, events_default: 0, state_default: POWER.admin, invite: 0, redact: POWER.admin, kick: POWER.admin, ban: POWER.admin },
      initialState: [{ type: "dev.crosschat.conversation", state_key: "", content: { kind: spec.kind } }],
    });
    store.transaction(() => {
      store.addRoom(roomId, spec.kind, spec.title);
      for (const participant of spec.participants) store.addMember(roomId, participant.key);
      if (spec.chat) store.addChat(roomId, spec.chat.network, spec.chat.id);
    });
    await Promise.all(ghosts.map((ghost) => matrix.join(ghost, roomId)));
    this.options.logger.info("Created a cross-network conversation", { room: roomId, kind: spec.kind, networks: [...new Set(spec.participants.map(homeNetwork))].filter(Boolean) });
    await this.ensureChats(roomId, spec.creator);
    return roomId;
  }

  /**
   * Gives every network with people in the conversation its chat, made as `creator`'s identity.
   * A network that refuses (too few people for a group there, say) is told to the room and tried
   * again the next time someone joins.
   */
  async ensureChats(roomId: string, creator: Participant): Promise<void> {
    const { store } = this.options;
    if (!store.room(roomId)) return;
    const participants = this.participants(roomId);
    const networks = new Set(participants.flatMap((p) => homeNetwork(p) ?? []));
    for (const network of networks) {
      if (store.chatIn(roomId, network)) continue;
      try {
        await this.openChat(roomId, network, creator, participants);
      } catch (error) {
        if (mayPass(network, error)) throw error;
        this.options.logger.warn("A network refused to open the conversation's chat", { room: roomId, network, error });
        await this.options.notice(roomId, `${NETWORK_NAMES[network]} would not open its chat for this conversation yet (${(error as Error).message}); it is tried again when someone joins.`);
      }
    }
  }

  private async openChat(roomId: string, network: NetworkId, creator: Participant, participants: Participant[]): Promise<void> {
    const { store, sessions, directory } = this.options;
    const conversation = store.room(roomId);
    if (!conversation) return;
    const provider = sessions.require(network);
    // The creator must be someone from elsewhere: on their own network they are not a third party.
    const maker = homeNetwork(creator) !== network ? creator : participants.find((p) => homeNetwork(p) !== network);
    if (!maker) return;
    const as = await directory.identityOn(network, maker);
    const members = await this.membersOn(network, participants);
    const chat = await provider.createChat({
      kind: conversation.kind,
      ...(conversation.kind === "group" ? { title: conversation.title ?? this.fallbackTitle(participants) } : {}),
      creator: as,
      members,
    });
    store.addChat(roomId, network, chat.id, as);
    this.options.logger.info("Opened the conversation's chat on a network", { room: roomId, network, chat: chat.id });
  }

  /** Adds someone everywhere but where it came from; false if they were in already. */
  async add(roomId: string, participant: Participant, origin: Origin, by?: Participant): Promise<boolean> {
    const { store, matrix, directory } = this.options;
    if (!store.addMember(roomId, participant.key)) return false;
    if (!origin.matrix) {
      const user = await directory.enter(participant);
      if (participant.kind === "native") {
        await matrix.invite(matrix.botUserId, roomId, user).catch(() => undefined);
        await matrix.join(user, roomId);
      } else {
        await matrix.invite(matrix.botUserId, roomId, user);
      }
    }
    for (const chat of store.chatsIn(roomId)) {
      if (chat.network === origin.network) continue;
      await this.changeMembers(chat, [participant], "add").catch((error: unknown) => this.refused(chat, "add", error));
    }
    // Their own network's chat, or one a network refused before for want of people.
    await this.ensureChats(roomId, by ?? this.someoneElse(roomId, homeNetwork(participant)) ?? participant);
    return true;
  }

  /** Takes someone out everywhere but where it came from; false if they were not in. */
  async remove(roomId: string, participant: Participant, origin: Origin, reason?: string): Promise<boolean> {
    const { store, matrix, directory } = this.options;
    if (!store.removeMember(roomId, participant.key)) return false;
    if (!origin.matrix) {
      const user = directory.matrixUserOf(participant);
      await (participant.kind === "native" ? matrix.leave(user, roomId, reason) : matrix.kick(matrix.botUserId, roomId, user, reason)).catch((error: unknown) =>
        this.options.logger.warn("Could not take someone out of a conversation room", { room: roomId, error }),
      );
    }
    for (const chat of store.chatsIn(roomId)) {
      if (chat.network === origin.network) continue;
      await this.changeMembers(chat, [participant], "remove").catch((error: unknown) => this.refused(chat, "remove", error));
    }
    return true;
  }

  /** A network refused a change of members (the bridge's identities are not admins of a chat someone there made, say). */
  private async refused(chat: GatewayChatRecord, change: "add" | "remove", error: unknown): Promise<void> {
    if (mayPass(chat.network as NetworkId, error)) throw error;
    const network = NETWORK_NAMES[chat.network as NetworkId];
    this.options.logger.warn("A network refused a change of members", { room: chat.roomId, network: chat.network, change, error });
    await this.options.notice(chat.roomId, `${network} did not let the bridge ${change === "add" ? "add someone to" : "take someone out of"} its chat: ${(error as Error).message}`);
  }

  /** The identity the bridge acts as in a chat to change its members: the one it made it as, if it did. */
  private async actingIdentity(chat: GatewayChatRecord): Promise<string | undefined> {
    if (chat.creator) return chat.creator;
    const someone = this.someoneElse(chat.roomId, chat.network as NetworkId);
    return someone ? this.options.directory.identityOn(chat.network as NetworkId, someone) : undefined;
  }

  private async changeMembers(chat: GatewayChatRecord, participants: Participant[], change: "add" | "remove"): Promise<void> {
    const network = chat.network as NetworkId;
    const provider = this.options.sessions.require(network);
    const as = await this.actingIdentity(chat);
    if (!as) return;
    const members = await this.membersOn(network, participants);
    if (change === "add") await provider.addMembers(chat.chatId, as, members);
    else await provider.removeMembers(chat.chatId, as, members);
  }

  /** Participants as a network knows them: its own users by their id, everyone else by identity. */
  private async membersOn(network: NetworkId, participants: Participant[]): Promise<InteropParticipant[]> {
    const members: InteropParticipant[] = [];
    for (const participant of participants) {
      if (participant.kind === "native" && participant.network === network) members.push({ kind: "native", id: participant.id });
      else members.push({ kind: "third_party", id: await this.options.directory.identityOn(network, participant) });
    }
    return members;
  }

  /** A participant from somewhere other than `network`. */
  private someoneElse(roomId: string, network: NetworkId | undefined): Participant | undefined {
    return this.participants(roomId).find((p) => homeNetwork(p) !== network);
  }

  private fallbackTitle(participants: Participant[]): string {
    const names = participants.map((p) => this.options.directory.person(p.key)?.name ?? p.key.split(":")[1] ?? p.key);
    return names.join(", ").slice(0, 100);
  }
}
