/**
 * WhatsApp identifiers as the connector uses them: chats and people are JIDs, and the id of
 * everything the bridge sends is derived from the core's key, because on WhatsApp the
 * client-chosen message id is the idempotency key (a resend with the same id creates nothing).
 */
import { createHash, createHmac } from "node:crypto";
import type { ChatKind, RemoteChatId } from "../../network/index.js";
import { GROUP_SERVER, isUserJid, normalizePhone, phoneOf, userJid } from "../../simnet/whatsapp/protocol.js";

/**
 * The WhatsApp message id for a core key: `3EB0` (as WhatsApp clients start theirs) and 28
 * upper-case hex characters of the key's SHA-256, 32 characters in all, within the protocol's
 * 16–48. The same key always gives the same id, so a retried send is recognised by the server.
 */
export function messageIdFor(key: string): string {
  return `3EB0${createHash("sha256").update(key, "utf8").digest("hex").slice(0, 28).toUpperCase()}`;
}

/** A person's phone number (`15551234567`) for their Matrix user id: stable, and what people know them by. */
export function ghostId(user: string): string {
  return isUserJid(user) ? phoneOf(user) : user;
}

/**
 * Ghost ids that do not show the number: `h` and 20 hex characters of a keyed hash of the
 * person's JID. Keyed with a secret of this install, since a plain hash of a phone number is
 * undone by trying every number.
 */
export function hiddenGhostId(key: Buffer): (user: string) => string {
  return (user) => (isUserJid(user) ? `h${createHmac("sha256", key).update(user, "utf8").digest("hex").slice(0, 20)}` : user);
}

export function chatKindOf(chat: RemoteChatId): ChatKind {
  return chat.endsWith(`@${GROUP_SERVER}`) ? "group" : "direct";
}

/** The user JID for what a person types: a phone number in any usual notation, or a JID. */
export function jidForInput(input: string): string | undefined {
  const trimmed = input.trim();
  if (isUserJid(trimmed)) return trimmed;
  const phone = normalizePhone(trimmed);
  return phone === undefined ? undefined : userJid(phone);
}

/** `+15551234567` for `15551234567@s.whatsapp.net`: how people recognise a WhatsApp account. */
export function displayPhone(jid: string): string {
  return `+${phoneOf(jid)}`;
}

export { isUserJid, phoneOf, userJid };
