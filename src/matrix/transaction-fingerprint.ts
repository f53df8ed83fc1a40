/**
 * A fingerprint of an appservice transaction's content. Transaction ids alone cannot identify
 * a transaction across homeserver restarts: Synapse on SQLite numbers them from 1 again. A
 * retry carries the same events, so the same fingerprint; a new transaction that reuses an id
 * does not.
 */
import { createHash } from "node:crypto";

export function transactionFingerprint(events: Record<string, unknown>[], ephemeral: Record<string, unknown>[]): string {
  const hash = createHash("sha256");
  // Room events are identified by their ids; ephemeral events have none, so their content counts.
  for (const event of events) hash.update(`e:${typeof event["event_id"] === "string" ? event["event_id"] : JSON.stringify(event)}\n`);
  for (const event of ephemeral) hash.update(`p:${JSON.stringify(event)}\n`);
  return hash.digest("hex");
}
