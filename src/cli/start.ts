import type { Command } from "commander";
import { loadConfig } from "../config/load.js";
import { createLogging } from "../logging/logger.js";
import { readRegistrationFile } from "../matrix/registration-file.js";
import { runCommand } from "./failures.js";
import { stopOnSignal } from "./signals.js";

export function registerStart(program: Command): void {
  program
    .command("start")
    .description("run the bridge until SIGINT or SIGTERM")
    .requiredOption("-c, --config <path>", "the YAML config file")
    .requiredOption("-f, --file <path>", "the appservice registration file")
    .action((options: { config: string; file: string }) =>
      runCommand(async () => {
        const config = loadConfig(options.config);
        const registration = readRegistrationFile(options.file);
        const logging = createLogging(config.logging);
        // Loaded here, not at the top: the Matrix libraries take a second to load, and every
        // other command (the simnet shell commands above all) should not wait for them.
        const { startApp } = await import("../app.js");
        const app = await startApp({ config, registration, logging });
        await stopOnSignal(app);
      }),
    );
}
