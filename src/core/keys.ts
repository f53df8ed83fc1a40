/**
 * Deterministic keys. A retried send must carry the same key as the first attempt, on both
 * sides: the idempotency key a network sees for a Matrix event, and the transaction id the
 * homeserver sees for a remote event. Both are derived from what identifies the event, never
 * from time or chance.
 */
import { createHash } from "node:crypto";

function digest(...parts: (string | number)[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex");
}

/** The idempotency key a connector gets for something a Matrix event asks it to do. */
export function networkKey(portalId: number, matrixEventId: string, action = "send"): string {
  return `mx-${digest("network", portalId, matrixEventId, action).slice(0, 40)}`;
}

/** The homeserver transaction id for bridging one remote event into a room. */
export function matrixTxnId(portalId: number, ...identity: (string | number)[]): string {
  return `cc-${digest("matrix", portalId, ...identity).slice(0, 40)}`;
}
