/**
 * The composition root: the one place that wires config, logging, storage and the Matrix side
 * together. The CLI and the integration tests both start the daemon through `startApp`, so
 * what the tests run is what users run.
 */
import type { Config } from "./config/schema.js";
import { Bot } from "./matrix/bot/bot.js";
import { registerBuiltinCommands } from "./matrix/bot/builtin-commands.js";
import { CommandRegistry } from "./matrix/bot/commands.js";
import { MatrixHandler } from "./matrix/matrix-handler.js";
import { MatrixSide } from "./matrix/matrix-side.js";
import { registrationMismatches, type Registration } from "./matrix/registration.js";
import { createLogging, type Logging } from "./logging/logger.js";
import { routeLibraryLogs } from "./logging/library-logs.js";
import { openDatabase, type Storage } from "./storage/index.js";
import { StartupError } from "./startup-error.js";
import { VERSION } from "./version.js";

export interface AppOptions {
  config: Config;
  registration: Registration;
  /** Supplied by callers that own the logging (the CLI, tests); created from config otherwise. */
  logging?: Logging;
  /** How long to wait for an unreachable homeserver at start-up. Default: one minute. */
  homeserverWaitMs?: number;
}

export interface App {
  readonly botUserId: string;
  readonly logging: Logging;
  /** Stops taking transactions, finishes those in progress, closes the database. Idempotent. */
  stop(): Promise<void>;
}

export async function startApp(options: AppOptions): Promise<App> {
  const { config, registration } = options;
  const logging = options.logging ?? createLogging(config.logging);
  logging.secrets.add(registration.as_token);
  logging.secrets.add(registration.hs_token);
  routeLibraryLogs(logging.forModule("lib"));
  const log = logging.forModule("app");

  const mismatches = registrationMismatches(registration, config);
  if (mismatches.length > 0) {
    throw new StartupError(
      "REGISTRATION_MISMATCH",
      "The registration does not match the config:\n" +
        mismatches.map((m) => `  - ${m}`).join("\n") +
        "\nRun 'crosschat generate-registration' and give the new file to the homeserver, or fix the config.",
    );
  }

  const storage = openDatabase(config.database.path, { logger: logging.forModule("storage") });
  let matrix: MatrixSide | undefined;
  try {
    const commands = new CommandRegistry();
    registerBuiltinCommands(commands);
    let handler: MatrixHandler | undefined;
    matrix = new MatrixSide({
      config,
      registration,
      homeserverWaitMs: options.homeserverWaitMs ?? 60_000,
      transactions: storage.transactions,
      logger: logging.forModule("matrix"),
      onEvent: async (event) => handler?.onEvent(event),
    });
    const bot = new Bot({
      userId: matrix.botUserId,
      permissions: config.permissions,
      commands,
      rooms: storage.managementRooms,
      matrix: matrix.botActions(),
      logger: logging.forModule("matrix.bot"),
    });
    handler = new MatrixHandler(bot, logging.forModule("matrix.events"));
    await matrix.start();
  } catch (error) {
    await matrix?.stop().catch(() => undefined);
    storage.close();
    throw error;
  }
  log.info(`crosschat ${VERSION} is running`, {
    bot: matrix.botUserId,
    listening: `${config.appservice.bind_address}:${config.appservice.port}`,
    homeserver: config.homeserver.url,
  });
  return runningApp(matrix, storage, logging);
}

function runningApp(matrix: MatrixSide, storage: Storage, logging: Logging): App {
  let stopping: Promise<void> | undefined;
  const log = logging.forModule("app");
  return {
    botUserId: matrix.botUserId,
    logging,
    stop() {
      stopping ??= (async () => {
        log.info("Shutting down: finishing work in progress");
        try {
          await matrix.stop();
        } finally {
          storage.close();
          log.info("Stopped");
        }
      })();
      return stopping;
    },
  };
}
