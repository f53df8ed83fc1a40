import type { Command } from "commander";
import { startApp, type App } from "../app.js";
import { loadConfig } from "../config/load.js";
import { createLogging } from "../logging/logger.js";
import { readRegistrationFile } from "../matrix/registration-file.js";
import { EXIT, runCommand } from "./failures.js";

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
        const app = await startApp({ config, registration, logging });
        await stopOnSignal(app);
      }),
    );
}

/**
 * The first SIGINT/SIGTERM stops the daemon cleanly; a second one, for when clean shutdown
 * hangs, exits at once.
 */
export function stopOnSignal(app: App): Promise<void> {
  return new Promise((resolve, reject) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) {
        process.stderr.write(`crosschat: ${signal} again, exiting without finishing\n`);
        process.exit(EXIT.forced);
      }
      received = true;
      app.logging.root.info(`Received ${signal}, shutting down (send it again to force)`);
      app
        .stop()
        .then(() => app.logging.close())
        .then(resolve, reject);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}
