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

export interface ConnectorSecrets {
  /** The key of WhatsApp ghosts' ids, used when bridge.phone_numbers_on_matrix is off. */
  whatsappGhostKey(): Buffer;
}

type Factory = (settings: Config["networks"][NetworkId], config: Config, secrets: ConnectorSecrets) => NetworkConnector;

const FACTORIES: Record<NetworkId, Factory> = {
  whatsapp: (settings, config, secrets) =>
    createWhatsappConnector({ url: settings.url, ...(config.bridge.phone_numbers_on_matrix ? {} : { hideNumbersWith: secrets.whatsappGhostKey() }) }),
  messenger: (settings) => createMessengerConnector({ url: settings.url }),
  instagram: (settings) => createInstagramConnector({ url: settings.url }),
};

export function createConnectors(config: Config, secrets: ConnectorSecrets): Map<NetworkId, NetworkConnector> {
  const enabled = NETWORK_IDS.filter((network) => config.networks[network].enabled);
  return new Map(enabled.map((network) => [network, FACTORIES[network](config.networks[network], config, secrets)]));
}
