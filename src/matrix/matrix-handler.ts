/**
 * Matrix -> bridge: routes each event the homeserver pushes to whoever handles it. For now that
 * is the bot; portals join here in a later step.
 */
import type { Logger } from "../logging/logger.js";
import type { Bot } from "./bot/bot.js";
import { isMatrixEvent } from "./events.js";

export class MatrixHandler {
  constructor(
    private readonly bot: Bot,
    private readonly logger: Logger,
  ) {}

  async onEvent(raw: unknown): Promise<void> {
    if (!isMatrixEvent(raw)) {
      this.logger.warn("Skipping a malformed event from the homeserver", { event: raw });
      return;
    }
    const event = raw;
    if (event.type === "m.room.member") {
      const membership = event.content["membership"];
      if (event.state_key === this.bot.userId && membership === "invite") return this.bot.onInvite(event);
      if (membership === "leave" || membership === "ban") return this.bot.onLeave(event);
      return;
    }
    if (event.type === "m.room.message" && this.bot.isManagementRoom(event.room_id)) {
      return this.bot.onMessage(event);
    }
  }
}
