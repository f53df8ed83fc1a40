/**
 * The connectors this crosschat has, keyed by network: the composition root picks the ones the
 * config enables.
 */
import type { Config } from "../config/schema.js";
import type { NetworkConnector, NetworkId } from "../network/index.js";
import { NETWORK_IDS } from "../network/index.js";
import { createInstagramConnector } from "./instagram/index.js";
import { createMessengerConnector } from "./messenger/index.js";
import { createWhatsappConnector } from "./whatsapp/index.js";

type Factory = (settings: Config["networks"][NetworkId]) => NetworkConnector;

const FACTORIES: Record<NetworkId, Factory> = {
  whatsapp: (settings) => createWhatsappConnector({ url: settings.url }),
  messenger: (settings) => createMessengerConnector({ url: settings.url }),
  instagram: (settings) => createInstagramConnector({ url: settings.url }),
};

export function createConnectors(config: Config): Map<NetworkId, NetworkConnector> {
  const enabled = NETWORK_IDS.filter((network) => config.networks[network].enabled);
  return new Map(enabled.map((network) => [network, FACTORIES[network](config.networks[network])]));
}
