/**
 * What the core stores for an Instagram login: the session Instagram gave (token, ids, device)
 * and the newest item the bridge handed over, which a resync starts from. The item is updated
 * through `sessionChanged` as items arrive; a session stored without it still works.
 */
import { NetworkError } from "../../network/index.js";
import type { SavedInstagramSession } from "../../simnet/instagram/client/api.js";

export interface StoredSession extends SavedInstagramSession {
  lastItemId?: string;
}

const REQUIRED = ["token", "userId", "username", "sessionId", "deviceId"] as const;

export function storedSession(stored: Record<string, unknown>): StoredSession {
  for (const field of REQUIRED) {
    if (typeof stored[field] !== "string") throw new NetworkError("invalid", `the stored Instagram session has no ${field}; log in again`);
  }
  const { token, userId, username, sessionId, deviceId, lastItemId } = stored as Record<(typeof REQUIRED)[number], string> & { lastItemId?: unknown };
  return { token, userId, username, sessionId, deviceId, ...(typeof lastItemId === "string" && /^\d+$/.test(lastItemId) ? { lastItemId } : {}) };
}
