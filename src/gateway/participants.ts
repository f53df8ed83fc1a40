/**
 * Who takes part in a cross-network conversation, and how each is named on the networks that are
 * not their own. A participant key is '<network>:<interop id>' for a network's own user (the id
 * the network chose for the bridge: stable, never a phone number) or 'matrix:<user id>'.
 */
import { createHash } from "node:crypto";
import type { InteropBadge } from "../simnet/client/interop.js";
import type { NetworkId } from "../network/index.js";

export type Participant =
  | { kind: "native"; network: NetworkId; id: string; key: string }
  | { kind: "matrix"; userId: string; key: string };

const NETWORKS: readonly string[] = ["whatsapp", "messenger", "instagram"];

export const nativeKey = (network: NetworkId, id: string): string => `${network}:${id}`;
export const matrixKey = (userId: string): string => `matrix:${userId}`;

export function parseParticipant(key: string): Participant | undefined {
  const colon = key.indexOf(":");
  if (colon <= 0) return undefined;
  const prefix = key.slice(0, colon);
  const rest = key.slice(colon + 1);
  if (!rest) return undefined;
  if (prefix === "matrix") return { kind: "matrix", userId: rest, key };
  if (NETWORKS.includes(prefix)) return { kind: "native", network: prefix as NetworkId, id: rest, key };
  return undefined;
}

export const badgeOf = (participant: Participant): InteropBadge => (participant.kind === "matrix" ? "matrix" : participant.network);

/** The network a participant belongs to, if any (Matrix users belong to none). */
export const homeNetwork = (participant: Participant): NetworkId | undefined => (participant.kind === "native" ? participant.network : undefined);

const MAX_THIRD_PARTY_ID = 128;

/**
 * The id the bridge publishes a participant under: the key, with every character outside the
 * networks' alphabet ([A-Za-z0-9._:-], '=' being the escape) written as '=' and two hex digits
 * per byte; a key too long for that becomes a hash of itself.
 */
export function thirdPartyIdOf(key: string): string {
  let encoded = "";
  for (const char of key) {
    if (/^[A-Za-z0-9._:-]$/.test(char)) encoded += char;
    else for (const byte of bytesOf(char)) encoded += `=${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  if (encoded.length <= MAX_THIRD_PARTY_ID) return encoded;
  return `h=${createHash("sha256").update(key).digest("hex")}`;
}

/**
 * A character's UTF-8 bytes; a lone surrogate (a JS string may hold one) keeps its own three
 * bytes, as WTF-8 writes it, instead of becoming U+FFFD like every other, so no two keys collide.
 */
function bytesOf(char: string): Iterable<number> {
  const unit = char.charCodeAt(0);
  if (char.length === 1 && unit >= 0xd800 && unit <= 0xdfff) return [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)];
  return Buffer.from(char, "utf8");
}

const MAX_HANDLE = 64;

/** Lower case, accents dropped, anything else but letters and digits as single dashes. */
function slug(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** At most `max` characters, with no dash left hanging where the cut fell. */
const cut = (text: string, max: number): string => text.slice(0, max).replace(/-+$/, "");

/**
 * What people on other networks type to find someone: a Matrix user's id without the '@', and a
 * network's user by name and network ('ana-lima.whatsapp'). Never a phone number or an email
 * address: those are contact details the person gave their own network, not the others.
 */
export function handleFor(participant: Participant, name: string): string {
  if (participant.kind === "matrix") {
    const bare = participant.userId.replace(/^@/, "");
    // Another bridge's puppet (@whatsapp_4915...:server) has a number for a localpart: not that.
    if (bare.length <= MAX_HANDLE && !/\s/.test(bare) && !hasNumber(slug(bare))) return bare;
    return `${withoutNumber(slug(bare), MAX_HANDLE - 7)}.matrix`;
  }
  const suffix = `.${participant.network}`;
  return `${withoutNumber(slug(name), MAX_HANDLE - suffix.length - 4)}${suffix}`;
}

/** Seven digits or more in a row (dashes between allowed): a phone number's worth. */
const hasNumber = (slugged: string): boolean => /\d[\d-]{5,}\d/.test(slugged);

/**
 * The slug cut to `max`, or "someone" for a name that is itself a number (some people name
 * themselves so): checked before the cut, so no part of one is left where the cut falls.
 */
function withoutNumber(slugged: string, max: number): string {
  return slugged && !hasNumber(slugged) ? cut(slugged, max) : "someone";
}
