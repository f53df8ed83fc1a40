/**
 * The Instagram connector: logs in as a device of a person's account (username, password, and
 * the checkpoint code when Instagram asks) and bridges its direct threads through the Instagram
 * client library. Everything the core needs is behind the connector contract (src/network).
 */
import type { ConnectorLogger, LoginFlow, NetworkConnector, NetworkSession, RemoteEventSink } from "../../network/index.js";
import { instagramCapabilities } from "./capabilities.js";
import { ghostId } from "./ids.js";
import { InstagramLoginFlow } from "./login.js";
import { InstagramNetworkSession } from "./session.js";
import { storedSession } from "./stored-session.js";

export interface InstagramConnectorOptions {
  /** Where the Instagram network is, e.g. `http://127.0.0.1:29413`. */
  url: string;
  /** Reconnect backoff of the realtime connection (jittered); the client's default otherwise. */
  backoff?: { initialMs: number; maxMs: number };
}

export function createInstagramConnector(options: InstagramConnectorOptions): NetworkConnector {
  const url = options.url.replace(/\/+$/, "");
  return {
    network: "instagram",
    displayName: "Instagram",
    capabilities: instagramCapabilities,
    ghostId,
    login({ deviceName }): LoginFlow {
      return new InstagramLoginFlow(url, deviceName);
    },
    connect(session: Record<string, unknown>, sink: RemoteEventSink, logger: ConnectorLogger): NetworkSession {
      return new InstagramNetworkSession(url, storedSession(session), sink, logger, options.backoff ? { backoff: options.backoff } : {});
    },
  };
}

export { instagramCapabilities } from "./capabilities.js";
export { clientContextFor, ghostId } from "./ids.js";
export { fromInstagram, toInstagram } from "./text.js";
