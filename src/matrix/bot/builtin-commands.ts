/** Commands that need no network: help and version. */
import { VERSION } from "../../version.js";
import { escapeHtml } from "../html.js";
import type { BotCommand, CommandRegistry } from "./commands.js";

function helpCommand(registry: CommandRegistry): BotCommand {
  return {
    name: "help",
    usage: "",
    summary: "Show the commands you can use",
    requires: "user",
    async run(context) {
      const usable = registry.all().filter((command) => context.allows(command.requires));
      const signature = (c: BotCommand) => (c.usage ? `${c.name} ${c.usage}` : c.name);
      const text = [
        "Commands (send them here, in your management room):",
        ...usable.map((c) => `• ${signature(c)} — ${c.summary}`),
      ].join("\n");
      const html =
        "<p>Commands (send them here, in your management room):</p><ul>" +
        usable.map((c) => `<li><code>${escapeHtml(signature(c))}</code> — ${escapeHtml(c.summary)}</li>`).join("") +
        "</ul>";
      await context.reply({ text, html });
    },
  };
}

const versionCommand: BotCommand = {
  name: "version",
  usage: "",
  summary: "Show which crosschat version runs this bridge",
  requires: "user",
  async run(context) {
    await context.reply({ text: `crosschat ${VERSION}` });
  },
};

export function registerBuiltinCommands(registry: CommandRegistry): void {
  registry.register(helpCommand(registry)).register(versionCommand);
}
