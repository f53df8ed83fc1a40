/**
 * Conversation -> each network: every Matrix event of a conversation (from a Matrix user, or a
 * network user's ghost) is queued for each network chat in it but the sender's own, and done
 * there by that chat's outbox lane as the sender's third-party identity. The message graph maps
 * what the event points at to the network's own message; where a network cannot do something,
 * the fallback its config names applies.
 */
import type { Config } from "../config/schema.js";
import type { MatrixPort } from "../core/matrix-port.js";
import { NETWORK_NAMES } from "../core/portals.js";
import { parseMatrixMessage, relationOf, replyTargetOf } from "../matrix/content/from-matrix.js";
import { redactsOf, type MatrixEvent } from "../matrix/events.js";
import { NetworkError, type NetworkId } from "../network/index.js";
import type { InteropMedia, InteropMessageBody, InteropProvider } from "../simnet/client/interop.js";
import type { Storage } from "../storage/index.js";
import type { GatewayChatRecord } from "../storage/repositories/gateway-rooms.js";
import type { Directory } from "./directory.js";
import { networkError } from "./errors.js";
import { homeNetwork, type Participant } from "./participants.js";
import type { ProviderSessions } from "./providers.js";

const NO_MENTIONS = { remoteUserFor: () => undefined };
const MEDIA_KIND: Record<string, InteropMedia["kind"]> = { image: "image", sticker: "image", video: "video", audio: "audio", voice: "audio", file: "file" };

export interface OutboundOptions {
  config: Config;
  storage: Storage;
  matrix: MatrixPort;
  directory: Directory;
  sessions: ProviderSessions;
  /** Tells the room what a fallback did, so the sender sees it. */
  notice(roomId: string, text: string): Promise<void>;
}

interface Target {
  chat: GatewayChatRecord;
  network: NetworkId;
  provider: InteropProvider;
  /** The sender's identity on the network. */
  as: string;
  sender: Participant;
}

export class Outbound {
  constructor(private readonly options: OutboundOptions) {}

  /** Does the event in the chat once; throws a NetworkError for the outbox to retry or report. */
  async attempt(lane: number, event: MatrixEvent): Promise<void> {
    const chat = this.options.storage.gatewayRooms.chatById(lane);
    if (!chat) return;
    try {
      const target = await this.target(chat, event);
      if (target) await this.perform(target, event);
    } catch (error) {
      throw networkError(chat.network as NetworkId, error);
    }
  }

  /** The network's name, for notices about the lane. */
  networkOf(lane: number): string {
    const chat = this.options.storage.gatewayRooms.chatById(lane);
    return chat ? NETWORK_NAMES[chat.network as NetworkId] : "the network";
  }

  private async target(chat: GatewayChatRecord, event: MatrixEvent): Promise<Target | undefined> {
    const { storage, sessions, directory } = this.options;
    const sender = directory.participantOfUser(event.sender);
    // Someone who left since (opted out, turned cross-network off, was forgotten) is not published again.
    if (!sender || !storage.gatewayRooms.isMember(chat.roomId, sender.key)) return undefined;
    const network = chat.network as NetworkId;
    // Their own network has the original.
    if (homeNetwork(sender) === network) return undefined;
    const provider = sessions.require(network);
    const as = await directory.identityOn(network, sender);
    return { chat, network, provider, as, sender };
  }

  private async perform(target: Target, event: MatrixEvent): Promise<void> {
    const relation = relationOf(event.content);
    switch (event.type) {
      case "m.room.message":
        return relation?.type === "m.replace" ? this.edit(target, event, relation.eventId) : this.send(target, event);
      case "m.sticker":
        return this.send(target, event);
      case "m.reaction":
        return relation?.type === "m.annotation" && relation.key ? this.react(target, event, relation.eventId, relation.key) : undefined;
      case "m.room.redaction":
        return this.redact(target, event);
    }
  }

  private async send(target: Target, event: MatrixEvent): Promise<void> {
    const { storage, matrix } = this.options;
    const parsed = parseMatrixMessage(event.type, event.content, NO_MENTIONS);
    let text: string | undefined;
    let media: InteropMedia | undefined;
    switch (parsed.kind) {
      case "rejected":
        throw new NetworkError("invalid", parsed.reason);
      case "text":
        text = parsed.style === "emote" ? `* ${this.nameOf(target.sender)} ${parsed.text.text}` : parsed.text.text;
        break;
      case "location":
        text = `Location: ${parsed.name ? `${parsed.name} ` : ""}geo:${parsed.latitude},${parsed.longitude}`;
        break;
      case "media":
      case "contact": {
        const kind = parsed.kind === "media" ? parsed.media : "file";
        const { data } = await matrix.download(parsed.url);
        media = {
          kind: MEDIA_KIND[kind] ?? "file",
          mimeType: parsed.info.mimeType,
          data,
          ...(parsed.info.fileName ? { fileName: parsed.info.fileName } : {}),
          ...(parsed.info.durationMs !== undefined ? { durationMs: parsed.info.durationMs } : {}),
        };
        if (parsed.kind === "media" && parsed.caption) text = parsed.caption.text;
        break;
      }
    }
    const replyTo = await this.replyTarget(target, event);
    if (replyTo.quote) text = `${replyTo.quote}${text ?? ""}`;
    // A file and its caption go as two messages: not every network takes both in one (Instagram
    // refuses it, WhatsApp refuses a caption on audio), and two is what all of them show well.
    const first: InteropMessageBody = media ? { media } : { text: text ?? "" };
    if (replyTo.id) first.replyTo = replyTo.id;
    const sent = await target.provider.send(target.chat.chatId, target.as, first, event.event_id);
    storage.gatewayMessages.link(target.chat.roomId, event.event_id, target.network, sent.id);
    if (media && text) {
      const caption = await target.provider.send(target.chat.chatId, target.as, { text }, `${event.event_id}:caption`);
      storage.gatewayMessages.link(target.chat.roomId, captionKey(event.event_id), target.network, caption.id);
    }
  }

  /** The network's copy of what the event replies to, else (by config) a quote of it to put in front. */
  private async replyTarget(target: Target, event: MatrixEvent): Promise<{ id?: string; quote?: string }> {
    const replyTo = replyTargetOf(event.content);
    if (!replyTo) return {};
    const id = this.options.storage.gatewayMessages.messageOn(replyTo, target.network);
    if (id) return { id };
    if (this.options.config.networks[target.network].cross_network.reply_fallback !== "quote") return {};
    const original = await this.options.matrix.getEvent(target.chat.roomId, replyTo).catch(() => undefined);
    const body = typeof original?.content["body"] === "string" ? original.content["body"] : undefined;
    if (!original || body === undefined) return {};
    const who = this.options.directory.participantOfUser(original.sender);
    const name = who ? this.nameOf(who) : original.sender;
    return { quote: `> ${name}: ${body.split("\n")[0]?.slice(0, 200) ?? ""}\n` };
  }

  private async edit(target: Target, event: MatrixEvent, original: string): Promise<void> {
    const { storage, config } = this.options;
    const messageId = storage.gatewayMessages.messageOn(original, target.network);
    if (!messageId) return;
    const replacement = event.content["m.new_content"];
    const parsed = parseMatrixMessage("m.room.message", typeof replacement === "object" && replacement !== null ? (replacement as Record<string, unknown>) : {}, NO_MENTIONS);
    if (parsed.kind !== "text") throw new NetworkError("unsupported", "only a message's text can be edited");
    const text = parsed.text.text;
    // A file's caption went as its own message: the edit changes that one.
    const captionId = storage.gatewayMessages.messageOn(captionKey(original), target.network);
    try {
      await target.provider.edit(target.chat.chatId, target.as, captionId ?? messageId, text);
    } catch (error) {
      const refusal = networkError(target.network, error);
      if (refusal.code !== "window_expired" || config.networks[target.network].cross_network.edit_fallback !== "correction") throw refusal;
      const sent = await target.provider.send(target.chat.chatId, target.as, { text: `✏️ ${text}`, replyTo: messageId }, event.event_id);
      storage.gatewayMessages.link(target.chat.roomId, event.event_id, target.network, sent.id);
      await this.options.notice(target.chat.roomId, `${NETWORK_NAMES[target.network]} no longer takes edits to that message (${refusal.message}); the new text went there as a correction marked ✏️.`);
    }
  }

  private async react(target: Target, event: MatrixEvent, original: string, emoji: string): Promise<void> {
    const { storage, config } = this.options;
    const messageId = storage.gatewayMessages.messageOn(original, target.network);
    if (!messageId) return;
    // Only what was reacted before this one: a later reaction, already recorded, has not been sent yet.
    const all = storage.gatewayMessages.reactionsBy(original, target.sender.key);
    const position = all.findIndex((r) => r.eventId === event.event_id);
    const shown = all.slice(0, position === -1 ? all.length : position).filter((r) => !r.redacted).at(-1)?.emoji;
    const network = NETWORK_NAMES[target.network];
    if (shown !== undefined && config.networks[target.network].cross_network.reaction_fallback === "drop") {
      throw new NetworkError("unsupported", `${network} keeps one reaction per person, and ${shown} is already there`);
    }
    await target.provider.react(target.chat.chatId, target.as, messageId, emoji);
    if (shown !== undefined) await this.options.notice(target.chat.roomId, `${network} keeps one reaction per person: there, ${emoji} replaced ${shown}.`);
  }

  private async redact(target: Target, event: MatrixEvent): Promise<void> {
    const { storage } = this.options;
    const redacts = redactsOf(event);
    if (!redacts) return;
    const reaction = storage.gatewayMessages.reaction(redacts);
    if (reaction) {
      // The network shows one reaction per person: the newest they still have on Matrix.
      const all = storage.gatewayMessages.reactionsBy(reaction.targetEvent, reaction.participant);
      const position = all.findIndex((r) => r.eventId === redacts);
      const live = all.filter((r) => !r.redacted && r.eventId !== redacts);
      const shownInstead = all.slice(position + 1).some((r) => !r.redacted);
      const messageId = storage.gatewayMessages.messageOn(reaction.targetEvent, target.network);
      if (!messageId || shownInstead) return;
      await target.provider.react(target.chat.chatId, target.as, messageId, live.at(-1)?.emoji ?? null);
      return;
    }
    for (const key of [redacts, captionKey(redacts)]) {
      const messageId = storage.gatewayMessages.messageOn(key, target.network);
      if (messageId) await target.provider.delete(target.chat.chatId, target.as, messageId);
    }
  }

  private nameOf(participant: Participant): string {
    return this.options.directory.person(participant.key)?.name ?? participant.key;
  }
}

/** The graph's key for the separate caption message of a file event. */
const captionKey = (eventId: string): string => `${eventId}#caption`;
