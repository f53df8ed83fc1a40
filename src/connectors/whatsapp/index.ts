/**
 * The WhatsApp connector: links the bridge to a person's account as a companion device (a
 * pairing code typed on the phone) and bridges that account's chats through the WhatsApp
 * client library. Everything the core needs is behind the connector contract (src/network).
 */
import { NetworkError, type ConnectorLogger, type LoginFlow, type NetworkConnector, type NetworkSession, type RemoteEventSink } from "../../network/index.js";
import type { WhatsappSession } from "../../simnet/whatsapp/client/login.js";
import { whatsappCapabilities } from "./capabilities.js";
import { ghostId, hiddenGhostId } from "./ids.js";
import { WhatsappLoginFlow } from "./login.js";
import { WhatsappNetworkSession } from "./session.js";

export interface WhatsappConnectorOptions {
  /** Where the WhatsApp network is, e.g. `http://127.0.0.1:29411`. */
  url: string;
  /** Reconnect backoff of the realtime connection (jittered); the client's default otherwise. */
  backoff?: { initialMs: number; maxMs: number };
  /** Set to keep phone numbers off Matrix: the key of the ghosts' ids (bridge.phone_numbers_on_matrix false). */
  hideNumbersWith?: Buffer;
}

const SESSION_FIELDS = ["jid", "deviceJid", "token", "privateKey"] as const;

/** A stored login back as a WhatsApp session, at this connector's address. */
function sessionFrom(stored: Record<string, unknown>, url: string): WhatsappSession {
  for (const field of SESSION_FIELDS) {
    if (typeof stored[field] !== "string") throw new NetworkError("invalid", `the stored WhatsApp session has no ${field}; log in again`);
  }
  const device = typeof stored.device === "number" ? stored.device : 0;
  const { jid, deviceJid, token, privateKey } = stored as Record<(typeof SESSION_FIELDS)[number], string>;
  // The network's address is configuration, not part of the login: it may move.
  return { baseUrl: url, jid, deviceJid, device, token, privateKey };
}

export function createWhatsappConnector(options: WhatsappConnectorOptions): NetworkConnector {
  const url = options.url.replace(/\/+$/, "");
  return {
    network: "whatsapp",
    displayName: "WhatsApp",
    capabilities: whatsappCapabilities,
    ghostId: options.hideNumbersWith ? hiddenGhostId(options.hideNumbersWith) : ghostId,
    login({ deviceName }): LoginFlow {
      return new WhatsappLoginFlow(url, deviceName);
    },
    connect(session: Record<string, unknown>, sink: RemoteEventSink, logger: ConnectorLogger): NetworkSession {
      return new WhatsappNetworkSession(sessionFrom(session, url), sink, logger, options.backoff ? { backoff: options.backoff } : {}, options.hideNumbersWith !== undefined);
    },
  };
}

export { whatsappCapabilities } from "./capabilities.js";
export { ghostId, messageIdFor } from "./ids.js";
export { fromWhatsapp, toWhatsapp } from "./markup.js";
