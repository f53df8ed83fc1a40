/**
 * Matrix -> bridge: routes each event the homeserver pushes to whoever handles it: the bot for
 * its invites, management rooms and prefixed commands in portals; the gateway for cross-network
 * conversation rooms (and invites of its people into rooms); the core for portal rooms.
 */
import type { BridgeCore } from "../core/bridge.js";
import type { Gateway } from "../gateway/gateway.js";
import type { Logger } from "../logging/logger.js";
import { commandText, type Bot } from "./bot/bot.js";
import { isMatrixEvent } from "./events.js";

export class MatrixHandler {
  constructor(
    private readonly bot: Bot,
    private readonly core: BridgeCore,
    private readonly commandPrefix: string,
    private readonly logger: Logger,
    private readonly gateway?: Gateway,
  ) {}

  async onEvent(raw: unknown): Promise<void> {
    if (!isMatrixEvent(raw)) {
      this.logger.warn("Skipping a malformed event from the homeserver", { event: raw });
      return;
    }
    const event = raw;
    if (event.type === "m.room.member") {
      const membership = event.content["membership"];
      // In a conversation room the bot was let in by the gateway, to post its notices there.
      if (event.state_key === this.bot.userId && membership === "invite") return this.gateway?.isConversation(event.room_id) ? undefined : this.bot.onInvite(event);
      if ((membership === "leave" || membership === "ban") && this.bot.isManagementRoom(event.room_id)) return this.bot.onLeave(event);
      if (!this.bot.isManagementRoom(event.room_id) && this.gateway?.handles(event)) return this.gateway.onMatrixEvent(event);
      return this.core.onMatrixEvent(event);
    }
    if (this.bot.isManagementRoom(event.room_id)) {
      if (event.type === "m.room.message") return this.bot.onMessage(event);
      return;
    }
    if (event.type === "m.room.message") {
      const text = commandText(event);
      const prefix = `${this.commandPrefix} `;
      if (text !== undefined && (text.startsWith(prefix) || text === this.commandPrefix)) {
        return this.bot.onRoomCommand(event, text.slice(prefix.length));
      }
    }
    if (this.gateway?.handles(event)) return this.gateway.onMatrixEvent(event);
    return this.core.onMatrixEvent(event);
  }

  async onEphemeral(raw: unknown): Promise<void> {
    if (typeof raw !== "object" || raw === null) return;
    const event = raw as { type?: unknown; room_id?: unknown; content?: unknown };
    if (typeof event.type !== "string" || typeof event.content !== "object" || event.content === null) return;
    const ephemeral = {
      type: event.type,
      ...(typeof event.room_id === "string" ? { room_id: event.room_id } : {}),
      content: event.content as Record<string, unknown>,
    };
    await this.core.onEphemeralEvent(ephemeral);
    await this.gateway?.onEphemeral(ephemeral);
  }
}
