/**
 * Messenger identifiers as the connector uses them. Direct threads are named by the other
 * person's 15-digit account id, groups by a 16-digit id starting with 2; the offline threading
 * id of everything the bridge sends is derived from the core's key, since Messenger takes a
 * resend with the same offline threading id for a retry and creates nothing.
 */
import { createHash } from "node:crypto";
import type { ChatKind, RemoteChatId } from "../../network/index.js";

const ACCOUNT_ID = /^[0-9]{15}$/;

/**
 * A decimal number of at most 20 digits, as the protocol requires: 63 bits of the key's SHA-256
 * (at most 19 digits). The same key always gives the same id; different keys collide with
 * negligible probability (the server scopes ids per sender).
 */
export function offlineThreadingIdFor(key: string): string {
  const digest = createHash("sha256").update(key, "utf8").digest();
  return (digest.readBigUInt64BE(0) >> 1n).toString();
}

/** The account id itself: stable, numeric, unique on Messenger. */
export function ghostId(user: string): string {
  return user;
}

export function isAccountId(value: string): boolean {
  return ACCOUNT_ID.test(value);
}

export function chatKindOf(chat: RemoteChatId): ChatKind {
  return isAccountId(chat) ? "direct" : "group";
}
