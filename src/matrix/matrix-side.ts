/**
 * The appservice itself: matrix-appservice-bridge set up without its own stores (state lives in
 * our SQLite database), our durable transaction endpoint, and the bot user's registration and
 * profile. What the bridge then does on the homeserver goes through homeserver.ts.
 */
import { AppServiceRegistration, Bridge, type Intent } from "matrix-appservice-bridge";
import type { Config } from "../config/schema.js";
import type { Logger } from "../logging/logger.js";
import { checkRegistrationLoaded, pingFromHomeserver, waitForHomeserver } from "./homeserver-check.js";
import { DurableAppService, type TransactionLog } from "./durable-appservice.js";
import type { Registration } from "./registration.js";

export interface MatrixSideOptions {
  config: Config;
  /** How long start() waits for an unreachable homeserver before giving up. */
  homeserverWaitMs: number;
  registration: Registration;
  transactions: TransactionLog;
  logger: Logger;
  onEvent(event: unknown): Promise<void>;
  /** Typing notifications and receipts (the registration asks for them). */
  onEphemeral(event: unknown): Promise<void>;
}

export class MatrixSide {
  private readonly bridge: Bridge;
  private readonly appservice: DurableAppService;
  private listening = false;

  constructor(private readonly options: MatrixSideOptions) {
    const { config, registration } = options;
    this.appservice = new DurableAppService({
      homeserverToken: registration.hs_token,
      transactions: options.transactions,
      logger: options.logger.child({ module: "matrix.transactions" }),
    });
    const httpLog = options.logger.child({ module: "matrix.http" });
    this.bridge = new Bridge({
      homeserverUrl: config.homeserver.url,
      domain: config.homeserver.domain,
      // Our schema checked the fields the library reads; its own type is stricter about extras.
      registration: AppServiceRegistration.fromObject(registration as Parameters<typeof AppServiceRegistration.fromObject>[0]),
      disableStores: true,
      suppressEcho: true,
      // Per-request SUCCESS lines: our own handlers log what matters about each event.
      logRequestOutcome: false,
      controller: {
        // The library's access log of every homeserver request: useful when debugging only.
        onLog: (line, isError) => (isError ? httpLog.warn(line) : httpLog.debug(line)),
        onEphemeralEvent: (request) => {
          options.onEphemeral(request.getData()).then(
            () => request.resolve(undefined),
            (error: unknown) => request.reject(error),
          );
        },
        onEvent: (request) => {
          options.onEvent(request.getData()).then(
            () => request.resolve(undefined),
            (error: unknown) => request.reject(error),
          );
        },
      },
    });
  }

  get botUserId(): string {
    return `@${this.options.config.appservice.bot.localpart}:${this.options.config.homeserver.domain}`;
  }

  /** Connects to the homeserver, makes sure the bot exists with its profile, then listens. */
  async start(): Promise<void> {
    const { appservice: settings } = this.options.config;
    const check = {
      homeserverUrl: this.options.config.homeserver.url,
      asToken: this.options.registration.as_token,
      botUserId: this.botUserId,
      waitMs: this.options.homeserverWaitMs,
      logger: this.options.logger,
    };
    await waitForHomeserver(check);
    await checkRegistrationLoaded(check);
    await this.bridge.initialise();
    const bot = this.botIntent();
    await bot.ensureRegistered(true);
    await bot.ensureProfile(settings.bot.displayname, settings.bot.avatar);
    await this.bridge.listen(settings.port, settings.bind_address, 10, this.appservice);
    this.listening = true;
  }

  /**
   * Has the homeserver ping the bridge, once everything behind the endpoint is running: a
   * successful ping makes Synapse send at once what it queued while the bridge was away.
   */
  async announceReady(): Promise<void> {
    this.appservice.markReady();
    await pingFromHomeserver({
      homeserverUrl: this.options.config.homeserver.url,
      asToken: this.options.registration.as_token,
      appserviceId: this.options.registration.id,
      appserviceUrl: this.options.registration.url ?? "(none)",
      logger: this.options.logger,
    });
  }

  /** Answers new transactions with 503 (the homeserver retries them later) and finishes the ones in progress. */
  async drain(): Promise<void> {
    if (this.listening) await this.appservice.drain();
  }

  /** Drains, then stops listening. */
  async stop(): Promise<void> {
    if (!this.listening) return;
    await this.drain();
    this.listening = false;
    await this.bridge.close();
  }

  private botIntent(): Intent {
    return this.bridge.getIntent();
  }
}
