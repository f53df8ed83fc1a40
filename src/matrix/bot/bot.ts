/**
 * The bridge bot: accepts a Matrix user's invite to a direct chat, which becomes that user's
 * management room, and runs the commands they send there.
 */
import type { PermissionLevel } from "../../config/schema.js";
import { hasPermission, permissionLevelOf, type PermissionRules } from "../../core/permissions.js";
import type { Logger } from "../../logging/logger.js";
import type { MatrixEvent } from "../events.js";
import { parseCommandLine } from "./command-line.js";
import type { CommandRegistry, Reply } from "./commands.js";
import { nearestCommand } from "./suggest.js";

/** What the bot needs from storage: each user's one management room. */
export interface ManagementRoomStore {
  get(userId: string): string | undefined;
  set(userId: string, roomId: string): void;
  findUserByRoom(roomId: string): string | undefined;
  remove(userId: string): void;
}

/** What the bot needs from the homeserver, as itself. */
export interface BotMatrixActions {
  join(roomId: string): Promise<void>;
  leave(roomId: string, reason?: string): Promise<void>;
  sendNotice(roomId: string, reply: Reply): Promise<void>;
}

/**
 * Something the bot is in the middle of with a user (a login asking for a phone number): it gets
 * the user's next message before command parsing, and says whether it took it.
 */
export interface Conversation {
  take(sender: string, roomId: string, text: string, eventId: string, reply: (r: Reply) => Promise<void>): Promise<boolean>;
}

export interface BotOptions {
  userId: string;
  conversation?: Conversation;
  permissions: PermissionRules;
  commands: CommandRegistry;
  rooms: ManagementRoomStore;
  matrix: BotMatrixActions;
  logger: Logger;
}

const WELCOME: Reply = {
  text:
    "Hello! This is your management room for crosschat, the bridge to WhatsApp, Messenger and Instagram. " +
    "Send help to see what I can do.",
  html:
    "<p>Hello! This is your management room for crosschat, the bridge to WhatsApp, Messenger and Instagram. " +
    "Send <code>help</code> to see what I can do.</p>",
};

export class Bot {
  constructor(private readonly options: BotOptions) {}

  get userId(): string {
    return this.options.userId;
  }

  /** Someone invited the bot: a direct chat from a permitted user becomes their management room. */
  async onInvite(event: MatrixEvent): Promise<void> {
    const { sender, room_id: roomId } = event;
    const log = this.options.logger.child({ room: roomId, user: sender });
    const level = permissionLevelOf(sender, this.options.permissions);
    if (!hasPermission(sender, this.options.permissions, "user")) {
      log.info("Declining invite: the inviter may not use the bridge bot", { level });
      await this.options.matrix.leave(roomId, refusalFor(level));
      return;
    }
    if (event.content["is_direct"] !== true) {
      log.info("Declining invite to a room that is not a direct chat");
      await this.options.matrix.leave(roomId, "Invite me to a direct chat to manage your bridge.");
      return;
    }
    await this.options.matrix.join(roomId);
    const previous = this.options.rooms.get(sender);
    this.options.rooms.set(sender, roomId);
    log.info("Joined a new management room", { previous });
    await this.options.matrix.sendNotice(roomId, WELCOME);
  }

  /**
   * The owner left their management room: the bot leaves too and forgets it. If the bot itself
   * was removed, it just forgets the room; the owner can invite it to a new one.
   */
  async onLeave(event: MatrixEvent): Promise<void> {
    const owner = this.options.rooms.findUserByRoom(event.room_id);
    if (owner === undefined) return;
    if (event.state_key === this.userId) {
      this.options.rooms.remove(owner);
      this.options.logger.info("Removed from a management room; forgetting it", { room: event.room_id, user: owner });
      return;
    }
    if (event.state_key !== owner) return;
    this.options.rooms.remove(owner);
    this.options.logger.info("Owner left the management room; leaving it too", { room: event.room_id, user: owner });
    await this.options.matrix.leave(event.room_id);
  }

  isManagementRoom(roomId: string): boolean {
    return this.options.rooms.findUserByRoom(roomId) !== undefined;
  }

  /** A message in a management room: the owner's ongoing conversation, or a command. */
  async onMessage(event: MatrixEvent): Promise<void> {
    const roomId = event.room_id;
    if (this.options.rooms.findUserByRoom(roomId) !== event.sender) return;
    const body = commandText(event);
    if (body === undefined) return;
    const reply = (r: Reply) => this.options.matrix.sendNotice(roomId, r);
    if (await this.options.conversation?.take(event.sender, roomId, body, event.event_id, reply)) return;
    await this.runCommand(event, body);
  }

  /** A command sent in a portal room after the command prefix. */
  async onRoomCommand(event: MatrixEvent, text: string): Promise<void> {
    await this.runCommand(event, text);
  }

  private async runCommand(event: MatrixEvent, text: string): Promise<void> {
    const roomId = event.room_id;
    const line = parseCommandLine(text);
    if (!line) return;
    const reply = (r: Reply) => this.options.matrix.sendNotice(roomId, r);
    const command = this.options.commands.get(line.name);
    const allows = (level: PermissionLevel) => hasPermission(event.sender, this.options.permissions, level);
    if (!command) {
      // As `help` does, only commands the sender may use are suggested.
      const meant = nearestCommand(line.name, this.options.commands.all().filter((c) => allows(c.requires)).map((c) => c.name));
      await reply({ text: `That is not a command${meant ? `; did you mean '${meant}'?` : "."} Send help to see the commands.` });
      return;
    }
    if (!allows(command.requires)) {
      await reply({ text: `You need the '${command.requires}' permission to use '${command.name}'.` });
      return;
    }
    const log = this.options.logger.child({ room: roomId, user: event.sender });
    log.debug("Running bot command", { command: command.name });
    try {
      await command.run({ sender: event.sender, roomId, args: line.args, reply, allows });
    } catch (error) {
      log.error("Bot command failed", { command: command.name, error });
      await reply({ text: `'${command.name}' failed: ${(error as Error).message}` });
    }
  }
}

/** The text of a plain message that could hold a command; undefined for anything else. */
export function commandText(event: MatrixEvent): string | undefined {
  const content = event.content;
  if (content["msgtype"] !== "m.text" || typeof content["body"] !== "string") return undefined;
  // An edit arrives as a new m.room.message; running it would repeat the command.
  const relation = content["m.relates_to"] as { rel_type?: string } | undefined;
  if (relation?.rel_type === "m.replace") return undefined;
  return content["body"];
}

function refusalFor(level: PermissionLevel): string {
  return level === "relay"
    ? "Your account may talk through relayed portals, but not manage the bridge."
    : "You are not allowed to use this bridge.";
}
