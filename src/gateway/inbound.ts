/**
 * Network -> conversation: what a network's own users do in third-party chats reaches the
 * conversation's Matrix room as their ghost, and goes on from there to every other network in it
 * (the fan-out). Each network event is recorded in the message graph under an id of its own, in
 * the same database transaction that queues its fan-out, so one that the network sends again (it
 * does until the bridge acknowledges) is recognised and does nothing twice.
 *
 * Events the bridge's own identities caused come back too (the network confirms what it did);
 * they are the bridge's echo and are ignored.
 */
import type { MatrixPort } from "../core/matrix-port.js";
import type { Logger } from "../logging/logger.js";
import { mediaContent, textContent } from "../matrix/content/to-matrix.js";
import type { MatrixEvent } from "../matrix/events.js";
import { plainText, type MediaKind, type NetworkId } from "../network/index.js";
import type { InteropEvent, InteropIncomingBody, InteropParticipant } from "../simnet/client/interop.js";
import type { Storage } from "../storage/index.js";
import type { GatewayChatRecord } from "../storage/repositories/gateway-rooms.js";
import type { Conversations } from "./conversations.js";
import type { Directory } from "./directory.js";
import { nativeKey, parseParticipant, type Participant } from "./participants.js";
import type { ProviderSessions } from "./providers.js";

const NO_MENTIONS = { matrixUserFor: () => undefined };

export interface InboundOptions {
  storage: Storage;
  matrix: MatrixPort;
  directory: Directory;
  conversations: Conversations;
  sessions: ProviderSessions;
  /** Queues a Matrix event of the conversation for every network in it but `except`. */
  fanOut(event: MatrixEvent, except?: NetworkId): void;
  /** Runs a change of members in turn with every other one. */
  membership<T>(change: () => Promise<T>): Promise<T>;
  logger: Logger;
}

type Of<T extends InteropEvent["type"]> = Extract<InteropEvent, { type: T }>;

export class Inbound {
  constructor(private readonly options: InboundOptions) {}

  async onEvent(network: NetworkId, event: InteropEvent): Promise<void> {
    this.options.logger.debug("Interop event", { network, type: event.type, ...("chat" in event && typeof event.chat === "string" ? { chat: event.chat } : {}) });
    switch (event.type) {
      case "opt_in":
        return this.optIn(network, event);
      case "opt_out":
        return this.optOut(network, event);
      case "chat":
        return this.chat(network, event);
      case "members":
        return this.members(network, event);
      case "title":
        return this.title(network, event);
      case "message":
        return this.message(network, event);
      case "edit":
        return this.edit(network, event);
      case "reaction":
        return this.reaction(network, event);
      case "delete":
        return this.delete(network, event);
      case "read":
        return this.read(network, event);
      case "typing":
        return this.typing(network, event);
    }
  }

  /** Someone can now be reached: they are published on the other networks, so people there can find them. */
  async publishEverywhere(participant: Participant, name: string): Promise<void> {
    const { directory, sessions } = this.options;
    await directory.remember(participant, name);
    for (const network of sessions.enabledNetworks) {
      if (network === (participant.kind === "native" ? participant.network : undefined) || !sessions.provider(network)) continue;
      await directory.identityOn(network, participant);
    }
  }

  private async optIn(network: NetworkId, event: Of<"opt_in">): Promise<void> {
    await this.publishEverywhere(this.native(network, event.user.id), event.user.name);
  }

  /** They left every third-party chat on their network; the bridge takes them out everywhere else and forgets them. */
  private async optOut(network: NetworkId, event: Of<"opt_out">): Promise<void> {
    const { storage, conversations, directory } = this.options;
    const participant = this.native(network, event.user);
    for (const roomId of storage.gatewayRooms.roomsOf(participant.key)) {
      await conversations.remove(roomId, participant, { network }, "They turned third-party chats off");
    }
    await directory.withdraw(participant);
    this.options.logger.info("Someone opted out of third-party chats; taken out of every conversation", { network });
  }

  /** A chat a network's user started from their app; chats the bridge made itself are already known. */
  private async chat(network: NetworkId, event: Of<"chat">): Promise<void> {
    const { storage, conversations } = this.options;
    const { chat } = event;
    if (chat.creator.kind === "third_party") return;
    const creator = this.participantOf(network, chat.creator);
    if (!creator) return;
    const known = storage.gatewayRooms.chatOf(network, chat.id);
    // Sent again after a failure part-way: what is left to do is the other networks' chats.
    if (known) return conversations.ensureChats(known.roomId, creator);
    const participants = await this.participantsOf(network, chat.members);
    if (chat.kind === "direct" && participants.length === 2) {
      const other = participants.find((p) => p.key !== creator.key);
      const existing = other && storage.gatewayRooms.directBetween(creator.key, other.key);
      if (existing && !storage.gatewayRooms.chatIn(existing, network)) {
        storage.gatewayRooms.addChat(existing, network, chat.id);
        return;
      }
    }
    await conversations.create({ kind: chat.kind, ...(chat.title ? { title: chat.title } : {}), participants, chat: { network, id: chat.id }, creator });
  }

  private async members(network: NetworkId, event: Of<"members">): Promise<void> {
    const chat = this.chatOf(network, event.chat);
    // The bridge's own changes come back as its identity's: done already, everywhere.
    if (!chat || event.by.kind === "third_party") return;
    const by = this.participantOf(network, event.by);
    for (const member of await this.participantsOf(network, event.added)) await this.options.conversations.add(chat.roomId, member, { network }, by);
    for (const member of event.removed) {
      const participant = this.participantOf(network, member);
      if (participant) await this.options.conversations.remove(chat.roomId, participant, { network });
    }
  }

  private async title(network: NetworkId, event: Of<"title">): Promise<void> {
    const chat = this.chatOf(network, event.chat);
    if (!chat || event.by.kind === "third_party") return;
    const { matrix, storage } = this.options;
    storage.gatewayRooms.setTitle(chat.roomId, event.title);
    const by = this.participantOf(network, event.by);
    const as = by?.kind === "native" ? this.options.directory.matrixUserOf(by) : matrix.botUserId;
    await matrix.sendState(as, chat.roomId, "m.room.name", "", { name: event.title }).catch(() => matrix.sendState(matrix.botUserId, chat.roomId, "m.room.name", "", { name: event.title }));
  }

  private async message(network: NetworkId, event: Of<"message">): Promise<void> {
    const context = await this.context(network, event.chat, event.sender, event.id);
    if (!context) return;
    const { chat, ghost } = context;
    const replyTo = event.body.replyTo ? this.options.storage.gatewayMessages.eventFor(chat.roomId, network, event.body.replyTo) : undefined;
    const { type, content } = await this.contentOf(ghost, event.body);
    if (replyTo) content["m.relates_to"] = { "m.in_reply_to": { event_id: replyTo } };
    await this.post(network, chat, ghost, event.id, type, content, event.at);
  }

  private async edit(network: NetworkId, event: Of<"edit">): Promise<void> {
    const key = `edit:${event.id}:${event.at}`;
    const context = await this.context(network, event.chat, event.sender, key);
    const target = context && this.options.storage.gatewayMessages.eventFor(context.chat.roomId, network, event.id);
    if (!context || !target) return;
    const newContent = textContent(plainText(event.text), NO_MENTIONS);
    const content = { ...textContent(plainText(`* ${event.text}`), NO_MENTIONS), "m.new_content": newContent, "m.relates_to": { rel_type: "m.replace", event_id: target } };
    await this.post(network, context.chat, context.ghost, key, "m.room.message", content, event.at);
  }

  /** One reaction per person on these networks: a new one replaces theirs, null takes it away. */
  private async reaction(network: NetworkId, event: Of<"reaction">): Promise<void> {
    const key = `reaction:${event.id}:${event.at}:${event.emoji ?? ""}`;
    const context = await this.context(network, event.chat, event.sender, key);
    const target = context && this.options.storage.gatewayMessages.eventFor(context.chat.roomId, network, event.id);
    if (!context || !target) return;
    const { storage, matrix } = this.options;
    for (const earlier of storage.gatewayMessages.reactionsBy(target, context.participant.key)) {
      if (earlier.redacted) continue;
      await matrix.redact(context.ghost, context.chat.roomId, earlier.eventId, { txnId: `gw-unreact-${earlier.eventId}` });
      storage.gatewayRooms.transaction(() => {
        storage.gatewayMessages.markRedacted(earlier.eventId);
        this.options.fanOut(redactionOf(context.chat.roomId, context.ghost, earlier.eventId, event.at), network);
      });
    }
    if (event.emoji === null) {
      storage.gatewayMessages.link(context.chat.roomId, `$none-${key}`, network, key);
      return;
    }
    const emoji = event.emoji;
    const content = { "m.relates_to": { rel_type: "m.annotation", event_id: target, key: emoji } };
    await this.post(network, context.chat, context.ghost, key, "m.reaction", content, event.at, (eventId) =>
      storage.gatewayMessages.addReaction({ eventId, roomId: context.chat.roomId, targetEvent: target, participant: context.participant.key, emoji }),
    );
  }

  private async delete(network: NetworkId, event: Of<"delete">): Promise<void> {
    const key = `delete:${event.id}`;
    const context = await this.context(network, event.chat, event.sender, key);
    const target = context && this.options.storage.gatewayMessages.eventFor(context.chat.roomId, network, event.id);
    if (!context || !target) return;
    const { storage, matrix } = this.options;
    await matrix.redact(context.ghost, context.chat.roomId, target, { txnId: `gw-${network}-${key}` });
    const redaction = redactionOf(context.chat.roomId, context.ghost, target, event.at);
    storage.gatewayRooms.transaction(() => {
      storage.gatewayMessages.link(context.chat.roomId, redaction.event_id, network, key);
      this.options.fanOut(redaction, network);
    });
  }

  /** Best effort, like any read receipt: shown on Matrix and passed to the other networks. */
  private async read(network: NetworkId, event: Of<"read">): Promise<void> {
    if (event.reader.kind !== "native") return;
    const chat = this.chatOf(network, event.chat);
    const target = chat && this.options.storage.gatewayMessages.eventFor(chat.roomId, network, event.upTo);
    if (!chat || !target) return;
    const participant = this.native(network, event.reader.id);
    const { matrix, storage, directory } = this.options;
    await matrix.sendReadReceipt(directory.matrixUserOf(participant), chat.roomId, target).catch((error: unknown) => this.options.logger.debug("Could not show a read receipt on Matrix", { error }));
    for (const other of storage.gatewayRooms.chatsIn(chat.roomId)) {
      const messageId = other.network !== network ? storage.gatewayMessages.messageOn(target, other.network) : undefined;
      if (!messageId) continue;
      // A network may refuse some reads (WhatsApp: up to the provider's own message); a receipt is not worth a retry.
      await this.options.directory.bestEffort(other.network as NetworkId, participant, (provider, as) => provider.markRead(other.chatId, as, messageId));
    }
  }

  private async typing(network: NetworkId, event: Of<"typing">): Promise<void> {
    if (event.who.kind !== "native") return;
    const chat = this.chatOf(network, event.chat);
    if (!chat) return;
    const participant = this.native(network, event.who.id);
    const { matrix, storage, directory } = this.options;
    await matrix.setTyping(directory.matrixUserOf(participant), chat.roomId, event.typing).catch(() => undefined);
    for (const other of storage.gatewayRooms.chatsIn(chat.roomId)) {
      if (other.network === network) continue;
      await this.options.directory.bestEffort(other.network as NetworkId, participant, (provider, as) => provider.typing(other.chatId, as, event.typing));
    }
  }

  /**
   * The conversation and the sender's ghost for an event from a network's own user, unless the
   * event is the bridge's echo or was handled before (`key` is its id in the message graph).
   */
  private async context(network: NetworkId, chatId: string, sender: InteropParticipant, key: string): Promise<{ chat: GatewayChatRecord; ghost: string; participant: Participant } | undefined> {
    if (sender.kind !== "native") return undefined;
    const chat = this.chatOf(network, chatId);
    if (!chat || this.options.storage.gatewayMessages.eventFor(chat.roomId, network, key)) return undefined;
    const participant = this.native(network, sender.id);
    // Someone the bridge missed joining (it was away): they are in the chat, so in the conversation.
    if (!this.options.storage.gatewayRooms.isMember(chat.roomId, participant.key)) {
      await this.options.membership(() => this.options.conversations.add(chat.roomId, participant, { network }));
    }
    return { chat, ghost: this.options.directory.matrixUserOf(participant), participant };
  }

  /** Sends the event to the room as the ghost, then records it and queues its fan-out together. */
  private async post(
    network: NetworkId,
    chat: GatewayChatRecord,
    ghost: string,
    key: string,
    type: string,
    content: Record<string, unknown>,
    at: number,
    alsoRecord?: (eventId: string) => void,
  ): Promise<void> {
    const { matrix, storage } = this.options;
    const eventId = await matrix.sendEvent(ghost, chat.roomId, type, content, { txnId: `gw-${network}-${key}`, ts: at });
    const event: MatrixEvent = { event_id: eventId, room_id: chat.roomId, sender: ghost, type, content, origin_server_ts: at };
    storage.gatewayRooms.transaction(() => {
      storage.gatewayMessages.link(chat.roomId, eventId, network, key);
      alsoRecord?.(eventId);
      this.options.fanOut(event, network);
    });
  }

  private async contentOf(ghost: string, body: InteropIncomingBody): Promise<{ type: string; content: Record<string, unknown> }> {
    const caption = body.text ? plainText(body.text) : undefined;
    if (!body.media) return { type: "m.room.message", content: textContent(caption ?? plainText(""), NO_MENTIONS) };
    const { media } = body;
    const data = await media.download();
    const mxc = await this.options.matrix.upload(ghost, data, media.mimeType, media.fileName);
    const kind: MediaKind = media.kind;
    const file = { mimeType: media.mimeType, size: data.length, ...(media.fileName ? { fileName: media.fileName } : {}), ...(media.durationMs !== undefined ? { durationMs: media.durationMs } : {}) };
    const shaped = mediaContent(kind, mxc, file, caption, NO_MENTIONS);
    return { type: shaped.type, content: shaped.content };
  }

  private chatOf(network: NetworkId, chatId: string): GatewayChatRecord | undefined {
    return this.options.storage.gatewayRooms.chatOf(network, chatId);
  }

  private native(network: NetworkId, id: string): Participant {
    return parseParticipant(nativeKey(network, id)) as Participant;
  }

  private participantOf(network: NetworkId, member: InteropParticipant): Participant | undefined {
    return member.kind === "native" ? this.native(network, member.id) : this.options.directory.byThirdPartyId(member.id);
  }

  /** Chat members as participants, the network's own users recorded with a name. */
  private async participantsOf(network: NetworkId, members: InteropParticipant[]): Promise<Participant[]> {
    const participants = members.flatMap((member) => this.participantOf(network, member) ?? []);
    const unnamed = participants.filter((p) => p.kind === "native" && !this.options.directory.person(p.key));
    if (unnamed.length > 0) {
      // People the bridge did not hear opt in (it was away): their names from the network's list, asked once.
      const names = new Map(((await this.options.sessions.provider(network)?.optedIn()) ?? []).map((user) => [user.id, user.name]));
      for (const participant of unnamed) {
        const id = participant.kind === "native" ? participant.id : participant.key;
        await this.options.directory.remember(participant, names.get(id) ?? id);
      }
    }
    return participants;
  }
}

/** A redaction as the appservice would have received it, for the fan-out (its id is the bridge's own). */
function redactionOf(roomId: string, sender: string, redacts: string, at: number): MatrixEvent {
  return { event_id: `redaction:${redacts}`, room_id: roomId, sender, type: "m.room.redaction", content: { redacts }, origin_server_ts: at };
}
