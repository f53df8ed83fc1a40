/** The bot's command set: what a command is, and the registry the bot looks names up in. */
import type { PermissionLevel } from "../../config/schema.js";

export interface Reply {
  /** Plain text, always present so every client can show it. */
  text: string;
  /** The same content as HTML, for clients that render formatting. */
  html?: string;
}

export interface CommandContext {
  sender: string;
  roomId: string;
  args: string[];
  reply(reply: Reply): Promise<void>;
  /** Whether the sender may run a command that needs `level`. */
  allows(level: PermissionLevel): boolean;
}

export interface BotCommand {
  name: string;
  /** Arguments as shown in help, e.g. `<network>`; empty when the command takes none. */
  usage: string;
  summary: string;
  requires: PermissionLevel;
  run(context: CommandContext): Promise<void>;
}

export class CommandRegistry {
  private readonly commands = new Map<string, BotCommand>();

  register(command: BotCommand): this {
    if (this.commands.has(command.name)) throw new Error(`bot command '${command.name}' registered twice`);
    this.commands.set(command.name, command);
    return this;
  }

  get(name: string): BotCommand | undefined {
    return this.commands.get(name);
  }

  all(): BotCommand[] {
    return [...this.commands.values()];
  }
}
