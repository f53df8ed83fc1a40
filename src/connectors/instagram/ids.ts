/**
 * Ids between the core and Instagram. A person is their numeric pk for good (usernames change),
 * and a send's `client_context` is derived from the core's key: Instagram accepts only 1–64 of
 * `A-Z a-z 0-9 - _`, and the core's keys are longer and freer, so the key is hashed — the same
 * key always gives the same context, so a retry is recognised by the server.
 */
import { createHash } from "node:crypto";

/** The stable pk: a username would move the ghost whenever the person renamed themselves. */
export function ghostId(user: string): string {
  return user;
}

const PREFIX = "cc-";

export function clientContextFor(key: string): string {
  // base64url is exactly Instagram's alphabet; 43 characters of SHA-256 plus the prefix fit 64.
  return PREFIX + createHash("sha256").update(key).digest("base64url");
}

/**
 * The id of one version of an edited item: Instagram edits in place and counts them, so the
 * count tells versions apart, and the core recognises an edit it made itself when it comes back.
 */
export function editIdFor(itemId: string, editCount: number | undefined): string {
  return `${itemId}:edit:${editCount ?? 1}`;
}

const ITEM_ID = /^\d+$/;

/** Whether item `id` came after item `than`: item ids grow with time. False for anything not an item id. */
export function isLaterItem(id: string, than: string): boolean {
  return ITEM_ID.test(id) && ITEM_ID.test(than) && BigInt(id) > BigInt(than);
}

/** Item ids grow with time: the newest of several is the numerically largest. */
export function newestItemId(ids: readonly string[]): string | undefined {
  let newest: string | undefined;
  for (const id of ids) {
    if (!ITEM_ID.test(id)) continue;
    if (newest === undefined || isLaterItem(id, newest)) newest = id;
  }
  return newest;
}

/** A direct chat whose thread the connector has not learnt yet, named by the other person's pk. */
const PENDING_DIRECT = "direct:";

export function pendingDirectChat(user: string): string {
  return `${PENDING_DIRECT}${user}`;
}

export function pendingDirectUser(chat: string): string | undefined {
  return chat.startsWith(PENDING_DIRECT) ? chat.slice(PENDING_DIRECT.length) : undefined;
}

/** Instagram timestamps are microseconds; the core counts milliseconds. */
export function millis(micros: number): number {
  return Math.floor(micros / 1000);
}
