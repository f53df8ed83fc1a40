/**
 * Cross-network conversations and who is in them. Each is one Matrix room with every participant
 * in it (a network's users as ghosts, Matrix users as themselves), and one chat on each network
 * that has people in it, where that network's users are themselves and everyone else is a
 * third-party identity. A change of members on any side is made on all the others.
 */
import type { MatrixPort } from "../core/matrix-port.js";
import { POWER } from "../core/portals.js";
import type { Logger } from "../logging/logger.js";
import type { NetworkId } from "../network/index.js";
import type { InteropParticipant } from "../simnet/client/interop.js";
import type { ConversationKind, GatewayChatRecord, GatewayRoomRepository } from "../storage/repositories/gateway-rooms.js";
import type { Directory } from "./directory.js";
import { homeNetwork, parseParticipant, type Participant } from "./participants.js";
import type { ProviderSessions } from "./providers.js";

export interface ConversationsOptions {
  store: GatewayRoomRepository;
  directory: Directory;
  sessions: ProviderSessions;
  matrix: MatrixPort;
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
    const ghosts = spec.participants.filter((p) => p.kind === "native").map((p) => directory.matrixUserOf(p));
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

  /** Gives every network with people in the conversation its chat, made as `creator`'s identity. */
  async ensureChats(roomId: string, creator: Participant): Promise<void> {
    const { store, sessions, directory } = this.options;
    const conversation = store.room(roomId);
    if (!conversation) return;
    const participants = this.participants(roomId);
    const networks = new Set(participants.flatMap((p) => homeNetwork(p) ?? []));
    for (const network of networks) {
      if (store.chatIn(roomId, network)) continue;
      const provider = sessions.provider(network);
      if (!provider) throw new Error(`${network} is not connected`);
      // The creator must be someone from elsewhere: on their own network they are not a third party.
      const maker = homeNetwork(creator) !== network ? creator : participants.find((p) => homeNetwork(p) !== network);
      if (!maker) continue;
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
  }

  /** Adds someone everywhere but where it came from; false if they were in already. */
  async add(roomId: string, participant: Participant, origin: Origin, by?: Participant): Promise<boolean> {
    const { store, matrix, directory } = this.options;
    if (!store.addMember(roomId, participant.key)) return false;
    if (!origin.matrix) {
      const user = directory.matrixUserOf(participant);
      if (participant.kind === "native") {
        await matrix.invite(matrix.botUserId, roomId, user).catch(() => undefined);
        await matrix.join(user, roomId);
      } else {
        await matrix.invite(matrix.botUserId, roomId, user);
      }
    }
    for (const chat of store.chatsIn(roomId)) {
      if (chat.network === origin.network) continue;
      await this.changeMembers(chat, [participant], "add");
    }
    const home = homeNetwork(participant);
    if (home && !store.chatIn(roomId, home)) await this.ensureChats(roomId, by ?? this.someoneElse(roomId, home) ?? participant);
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
      await this.changeMembers(chat, [participant], "remove").catch((error: unknown) =>
        this.options.logger.warn("Could not take someone out of a network chat", { room: roomId, network: chat.network, error }),
      );
    }
    return true;
  }

  /** The identity the bridge acts as in a chat to change its members: the one it made it as, if it did. */
  private async actingIdentity(chat: GatewayChatRecord): Promise<string | undefined> {
    if (chat.creator) return chat.creator;
    const someone = this.someoneElse(chat.roomId, chat.network as NetworkId);
    return someone ? this.options.directory.identityOn(chat.network as NetworkId, someone) : undefined;
  }

  private async changeMembers(chat: GatewayChatRecord, participants: Participant[], change: "add" | "remove"): Promise<void> {
    const network = chat.network as NetworkId;
    const provider = this.options.sessions.provider(network);
    if (!provider) throw new Error(`${network} is not connected`);
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
  private someoneElse(roomId: string, network: NetworkId): Participant | undefined {
    return this.participants(roomId).find((p) => homeNetwork(p) !== network);
  }

  private fallbackTitle(participants: Participant[]): string {
    const names = participants.map((p) => this.options.directory.person(p.key)?.name ?? p.key.split(":")[1] ?? p.key);
    return names.join(", ").slice(0, 100);
  }
}
