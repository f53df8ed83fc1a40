/**
 * The Messenger connector: logs the bridge in as a session of a person's account (email,
 * password and, with two-factor authentication on, a code) and bridges that account's threads
 * through the Messenger client library. Everything the core needs is behind the connector
 * contract (src/network).
 */
import { NetworkError, type ConnectorLogger, type LoginFlow, type NetworkConnector, type NetworkSession, type RemoteEventSink } from "../../network/index.js";
import type { SavedSession } from "../../simnet/messenger/client/client.js";
import { messengerCapabilities } from "./capabilities.js";
import { ghostId } from "./ids.js";
import { MessengerLoginFlow } from "./login.js";
import { MessengerNetworkSession } from "./session.js";

export interface MessengerConnectorOptions {
  /** Where the Messenger network is, e.g. `http://127.0.0.1:29412`. */
  url: string;
  /** Reconnect backoff of the realtime stream (jittered); the client's default otherwise. */
  backoff?: { initialMs: number; maxMs: number };
}

const SESSION_FIELDS = ["accessToken", "sessionId", "accountId"] as const;

/**
 * A stored login back as a client session. No stream position is stored: the server keeps
 * each session's acknowledged position, and acknowledges only what the core took.
 */
export function sessionFrom(stored: Record<string, unknown>): SavedSession {
  for (const field of SESSION_FIELDS) {
    if (typeof stored[field] !== "string") throw new NetworkError("invalid", `the stored Messenger session has no ${field}; log in again`);
  }
  const { accessToken, sessionId, accountId } = stored as Record<(typeof SESSION_FIELDS)[number], string>;
  return { accessToken, sessionId, accountId };
}

/** The time of the newest message bridged, stored beside the session (see common/saved-mark.ts). */
export function newestSeenFrom(stored: Record<string, unknown>): number | undefined {
  const value = stored["newestSeen"];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function createMessengerConnector(options: MessengerConnectorOptions): NetworkConnector {
  const url = options.url.replace(/\/+$/, "");
  return {
    network: "messenger",
    displayName: "Messenger",
    capabilities: messengerCapabilities,
    ghostId,
    login({ deviceName }): LoginFlow {
      return new MessengerLoginFlow(url, deviceName);
    },
    connect(session: Record<string, unknown>, sink: RemoteEventSink, logger: ConnectorLogger): NetworkSession {
      const newestSeen = newestSeenFrom(session);
      const sessionOptions = { ...(options.backoff ? { backoff: options.backoff } : {}), ...(newestSeen !== undefined ? { newestSeen } : {}) };
      return new MessengerNetworkSession(sessionFrom(session), sink, logger, sessionOptions, url);
    },
  };
}

export { messengerCapabilities } from "./capabilities.js";
export { ghostId, offlineThreadingIdFor } from "./ids.js";
export { fromMessenger, toMessenger } from "./markup.js";
