/**
 * The composition root: the one place that wires config, logging, storage and the Matrix side
 * together. The CLI and the integration tests both start the daemon through `startApp`, so
 * what the tests run is what users run.
 */
import { randomBytes } from "node:crypto";
import type { Config } from "./config/schema.js";
import { createConnectors } from "./connectors/index.js";
import { BridgeCore } from "./core/bridge.js";
import { Gateway } from "./gateway/gateway.js";
import { Bot } from "./matrix/bot/bot.js";
import { botActions } from "./matrix/bot/bot-actions.js";
import { registerBridgeCommands } from "./matrix/bot/bridge-commands.js";
import { registerBuiltinCommands } from "./matrix/bot/builtin-commands.js";
import { LoginConversations } from "./matrix/bot/login-conversation.js";
import { AppserviceHomeserver } from "./matrix/homeserver.js";
import { CommandRegistry } from "./matrix/bot/commands.js";
import { MatrixHandler } from "./matrix/matrix-handler.js";
import { MatrixSide } from "./matrix/matrix-side.js";
import { registrationMismatches, type Registration } from "./matrix/registration.js";
import { readRegistrationFile } from "./matrix/registration-file.js";
import { createLogging, type Logging } from "./logging/logger.js";
import { routeLibraryLogs } from "./logging/library-logs.js";
import { SIMNET_INTEROP_KITS } from "./simnet/networks.js";
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
  for (const network of Object.values(config.networks)) if (network.cross_network.admin_token) logging.secrets.add(network.cross_network.admin_token);
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
  let core: BridgeCore | undefined;
  let gateway: Gateway | undefined;
  try {
    const connectors = createConnectors(config, {
      whatsappGhostKey: () => Buffer.from(storage.secrets.getOrCreate("whatsapp-ghost-key", () => randomBytes(32).toString("hex")), "hex"),
    });
    let handler: MatrixHandler | undefined;
    matrix = new MatrixSide({
      config,
      registration,
      homeserverWaitMs: options.homeserverWaitMs ?? 60_000,
      transactions: storage.transactions,
      logger: logging.forModule("matrix"),
      onEvent: async (event) => handler?.onEvent(event),
      onEphemeral: async (event) => handler?.onEphemeral(event),
    });
    const homeserver = new AppserviceHomeserver({
      homeserverUrl: config.homeserver.url,
      asToken: registration.as_token,
      botUserId: matrix.botUserId,
      ownedUsers: registration.namespaces.users.map((entry) => new RegExp(`^${entry.regex}$`)),
      ...(await doublePuppeting(config, logging)),
    });
    const botMatrix = botActions(homeserver);
    core = new BridgeCore({
      config,
      storage,
      matrix: homeserver,
      connectors,
      logger: logging.forModule("core"),
      tellUser: async (userId, text) => {
        const roomId = storage.managementRooms.get(userId);
        if (roomId) await botMatrix.sendNotice(roomId, { text });
      },
    });
    gateway = new Gateway({
      config,
      storage,
      matrix: homeserver,
      ghosts: core.ghosts,
      kits: SIMNET_INTEROP_KITS,
      secret: (value) => logging.secrets.add(value),
      logger: logging.forModule("gateway"),
    });
    const conversations = new LoginConversations(
      core,
      (roomId, eventId) => homeserver.redact(homeserver.botUserId, roomId, eventId, { txnId: `secret-${eventId}`, reason: "Login secrets are not kept in the room" }),
      logging.forModule("matrix.bot"),
    );
    const commands = new CommandRegistry();
    registerBuiltinCommands(commands);
    registerBridgeCommands(commands, core, conversations, gateway);
    const bridgeBot = new Bot({
      userId: matrix.botUserId,
      permissions: config.permissions,
      commands,
      conversation: conversations,
      rooms: storage.managementRooms,
      matrix: botMatrix,
      logger: logging.forModule("matrix.bot"),
    });
    handler = new MatrixHandler(bridgeBot, core, config.bridge.command_prefix, logging.forModule("matrix.events"), gateway);
    await matrix.start();
    await core.start();
    await gateway.start();
    // Last: the homeserver then sends what it held back while the bridge was away, to a bridge that is ready for it.
    await matrix.announceReady();
  } catch (error) {
    await gateway?.stop().catch(() => undefined);
    await core?.stop().catch(() => undefined);
    await matrix?.stop().catch(() => undefined);
    storage.close();
    throw error;
  }
  log.info(`crosschat ${VERSION} is running`, {
    bot: matrix.botUserId,
    listening: `${config.appservice.bind_address}:${config.appservice.port}`,
    homeserver: config.homeserver.url,
    networks: core.networks,
    crossNetwork: gateway.networks,
  });
  return runningApp(matrix, core, gateway, storage, logging);
}

/**
 * The double-puppeting token, if the config names its registration and the homeserver accepts
 * it. Without it the bridge still runs: what users do elsewhere comes from their ghosts.
 */
async function doublePuppeting(config: Config, logging: Logging): Promise<{ doublePuppet?: { asToken: string; domain: string } }> {
  const file = config.bridge.double_puppet_registration;
  if (!file) return {};
  const log = logging.forModule("app");
  const puppet = readRegistrationFile(file);
  logging.secrets.add(puppet.as_token);
  const answer = await fetch(`${config.homeserver.url}/_matrix/client/v3/account/whoami`, {
    headers: { authorization: `Bearer ${puppet.as_token}` },
  }).catch((error: unknown) => ({ ok: false, status: 0, statusText: String(error) }));
  if (!answer.ok) {
    log.warn(`Double puppeting is off: the homeserver does not accept the token of ${file} (${answer.status}); add the file to its app_service_config_files`, { file });
    return {};
  }
  log.info("Double puppeting is on", { file });
  return { doublePuppet: { asToken: puppet.as_token, domain: config.homeserver.domain } };
}

function runningApp(matrix: MatrixSide, core: BridgeCore, gateway: Gateway, storage: Storage, logging: Logging): App {
  let stopping: Promise<void> | undefined;
  const log = logging.forModule("app");
  return {
    botUserId: matrix.botUserId,
    logging,
    stop() {
      stopping ??= (async () => {
        log.info("Shutting down: finishing work in progress");
        try {
          // Transactions first: from now on the homeserver keeps them for the next start, so none
          // reaches a core or gateway that is stopping. Then the networks, then the listener.
          await matrix.drain();
          await gateway.stop();
          await core.stop();
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
