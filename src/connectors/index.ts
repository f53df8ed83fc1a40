/**
 * The connectors this crosschat has, keyed by network: the composition root picks the ones the
 * config enables. Networks without a connector yet are reported, not silently ignored.
 */
import type { Config } from "../config/schema.js";
import type { NetworkConnector, NetworkId } from "../network/index.js";
import { NETWORK_IDS } from "../network/index.js";
import { createInstagramConnector } from "./instagram/index.js";
import { createMessengerConnector } from "./messenger/index.js";
import { createWhatsappConnector } from "./whatsapp/index.js";

type Factory = (settings: Config["networks"][NetworkId]) => NetworkConnector;

const FACTORIES: Partial<Record<NetworkId, Factory>> = {
  whatsapp: (settings) => createWhatsappConnector({ url: settings.url }),
  messenger: (settings) => createMessengerConnector({ url: settings.url }),
  instagram: (settings) => createInstagramConnector({ url: settings.url }),
};

export function createConnectors(config: Config): { connectors: Map<NetworkId, NetworkConnector>; unavailable: NetworkId[] } {
  const connectors = new Map<NetworkId, NetworkConnector>();
  const unavailable: NetworkId[] = [];
  for (const network of NETWORK_IDS) {
    const settings = config.networks[network];
    if (!settings.enabled) continue;
    const factory = FACTORIES[network];
    if (factory) connectors.set(network, factory(settings));
    else unavailable.push(network);
  }
  return { connectors, unavailable };
}
