/**
 * The bridge's sessions with each network's interoperability API: registered once with the
 * network's admin token (the credentials are then kept in the database), connected at start-up,
 * and tried again in the background while a network cannot be reached.
 */
import type { Config } from "../config/schema.js";
import type { Logger } from "../logging/logger.js";
import { NETWORK_NAMES } from "../core/portals.js";
import { NetworkError, type NetworkId } from "../network/index.js";
import type { InteropCredentials, InteropEvent, InteropKit, InteropProvider } from "../simnet/client/interop.js";
import type { GatewayPeopleRepository } from "../storage/repositories/gateway-people.js";

const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 60_000;

export interface ProviderSessionsOptions {
  config: Config;
  kits: Readonly<Record<NetworkId, InteropKit>>;
  store: GatewayPeopleRepository;
  /** Tokens and keys the logs must never show. */
  secret(value: string): void;
  logger: Logger;
  /** One network's events, in order; a rejection has the network send the event again later. */
  onEvent(network: NetworkId, event: InteropEvent): Promise<void>;
  /** A network's session is up (again): a chance to catch up with what it missed. */
  onConnected(network: NetworkId, provider: InteropProvider): Promise<void>;
}

export class ProviderSessions {
  private readonly sessions = new Map<NetworkId, { provider: InteropProvider; stopListening: () => Promise<void> }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly options: ProviderSessionsOptions) {}

  /** The networks whose config turns cross-network chat on. */
  get enabledNetworks(): NetworkId[] {
    const { networks } = this.options.config;
    return (Object.keys(networks) as NetworkId[]).filter((id) => networks[id].enabled && networks[id].cross_network.enabled);
  }

  /** The network's session, if it is connected now. */
  provider(network: NetworkId): InteropProvider | undefined {
    return this.sessions.get(network)?.provider;
  }

  /** The network's session; a network not connected now is a failure that passes, tried again later. */
  require(network: NetworkId): InteropProvider {
    const provider = this.provider(network);
    if (!provider) throw new NetworkError("transient", `${NETWORK_NAMES[network]} is not connected`);
    return provider;
  }

  /** Connects every enabled network; one that fails is tried again in the background. */
  async start(): Promise<void> {
    this.stopped = false;
    await Promise.all(this.enabledNetworks.map((network) => this.connect(network, RETRY_MIN_MS)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.allSettled(sessions.map(async ({ provider, stopListening }) => {
      await stopListening();
      await provider.close();
    }));
  }

  private async connect(network: NetworkId, retryMs: number): Promise<void> {
    if (this.stopped) return;
    const log = this.options.logger.child({ network });
    try {
      const credentials = await this.credentials(network);
      if (!credentials) return;
      const provider = await this.options.kits[network].connect(this.options.config.networks[network].url, credentials);
      if (this.stopped) {
        await provider.close();
        return;
      }
      // Registered before listening: the backlog that comes first may need the session.
      const session: { provider: InteropProvider; stopListening: () => Promise<void> } = { provider, stopListening: async () => undefined };
      this.sessions.set(network, session);
      try {
        session.stopListening = await provider.listen((event) => this.options.onEvent(network, event));
      } catch (error) {
        this.sessions.delete(network);
        await provider.close().catch(() => undefined);
        throw error;
      }
      log.info("Connected to the network's interoperability API");
      await this.options.onConnected(network, provider);
    } catch (error) {
      log.warn(`Could not connect to ${network}'s interoperability API; trying again in ${Math.round(retryMs / 1000)} s`, { error });
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.connect(network, Math.min(retryMs * 2, RETRY_MAX_MS));
      }, retryMs);
      this.timers.add(timer);
    }
  }

  /** The stored credentials, else a registration with the admin token (then stored). */
  private async credentials(network: NetworkId): Promise<InteropCredentials | undefined> {
    const stored = this.options.store.credentials(network);
    if (stored) return this.hidden(stored as InteropCredentials);
    const settings = this.options.config.networks[network];
    const adminToken = settings.cross_network.admin_token;
    if (!adminToken) {
      this.options.logger.error(
        `networks.${network}.cross_network is enabled but the bridge is not registered with ${network} as a provider: ` +
          `set networks.${network}.cross_network.admin_token to the network's admin token (needed once: the credentials are kept in the database)`,
      );
      return undefined;
    }
    const credentials = await this.options.kits[network].registerProvider(settings.url, adminToken, settings.cross_network.provider_name);
    this.options.store.saveCredentials(network, credentials);
    this.options.logger.info(`Registered with ${network} as an interoperability provider`, { network, provider: credentials.providerId });
    return this.hidden(credentials);
  }

  /** Everything in the credentials but the provider's id is a secret (the token; on WhatsApp, the device's private key). */
  private hidden(credentials: InteropCredentials): InteropCredentials {
    for (const [key, value] of Object.entries(credentials)) if (key !== "providerId" && typeof value === "string" && value.length >= 8) this.options.secret(value);
    return credentials;
  }
}
