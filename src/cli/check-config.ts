import type { Command } from "commander";
import { loadConfig } from "../config/load.js";
import { runCommand } from "./failures.js";

export function registerCheckConfig(program: Command): void {
  program
    .command("check-config")
    .description("validate a config file: exit 0 if it is valid, otherwise list every problem and exit 2")
    .requiredOption("-c, --config <path>", "the YAML config file")
    .action((options: { config: string }) =>
      runCommand(async () => {
        loadConfig(options.config);
        process.stdout.write(`${options.config}: valid\n`);
      }),
    );
}
