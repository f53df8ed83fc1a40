/**
 * A network's refusals through its interoperability API, as the core's NetworkError codes: the
 * same vocabulary as that network's connector, since the API answers with the network's own
 * error codes.
 */
import { toNetworkError as instagramError } from "../connectors/instagram/errors.js";
import { toNetworkError as messengerError } from "../connectors/messenger/errors.js";
import { toNetworkError as whatsappError } from "../connectors/whatsapp/errors.js";
import { isRetryable, type NetworkError, type NetworkId } from "../network/index.js";

const TO_NETWORK_ERROR: Record<NetworkId, (error: unknown) => NetworkError> = {
  whatsapp: whatsappError,
  messenger: messengerError,
  instagram: instagramError,
};

export const networkError = (network: NetworkId, error: unknown): NetworkError => TO_NETWORK_ERROR[network](error);

/** Whether trying again later may work: the network was away, or asked the bridge to slow down. */
export const mayPass = (network: NetworkId, error: unknown): boolean => isRetryable(networkError(network, error));
