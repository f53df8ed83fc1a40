/** Which link targets are safe to carry across, and how Matrix user links are spelled. */

// Anything else (javascript:, data:, file:, relative paths) could run code or leak local
// resources in some client, so it travels as plain text instead of a link.
const SAFE_SCHEMES = new Set(["http", "https", "mailto"]);
const MATRIX_TO_PREFIX = "https://matrix.to/#/";
const MATRIX_TO_PREFIX_INSECURE = "http://matrix.to/#/";
// User ids are "@localpart:server"; anything looser is a room, an event or garbage.
const USER_ID = /^@[^\s:]+:[^\s]+$/;
const MAX_USER_ID_LENGTH = 255;

/** Leading/trailing spaces and control characters, which browsers ignore in an href. */
const stripEdges = (href: string) => href.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "");

/** The URL itself when its scheme is one we pass on, else undefined. */
export function safeLinkUrl(href: string): string | undefined {
  const url = stripEdges(href);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  return scheme !== undefined && SAFE_SCHEMES.has(scheme.toLowerCase()) ? url : undefined;
}

function asUserId(encoded: string): string | undefined {
  let id: string;
  try {
    id = decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
  return id.length <= MAX_USER_ID_LENGTH && USER_ID.test(id) ? id : undefined;
}

/**
 * The Matrix user a link points at: matrix.to links (encoded or not, clients do both) and
 * `matrix:u/` URIs. Undefined for every other link, including matrix.to links to rooms.
 */
export function matrixUserIdFromHref(href: string): string | undefined {
  const url = stripEdges(href);
  const lower = url.toLowerCase();
  for (const prefix of [MATRIX_TO_PREFIX, MATRIX_TO_PREFIX_INSECURE]) {
    if (lower.startsWith(prefix)) {
      // The part after the id carries routing hints (?via=...), never part of the id.
      const id = url.slice(prefix.length).split("?")[0] ?? "";
      return asUserId(id);
    }
  }
  const uri = /^matrix:(?:\/\/[^/]*\/)?u\/([^?#/]+)/i.exec(url);
  return uri?.[1] !== undefined ? asUserId(`@${uri[1]}`) : undefined;
}

/** The matrix.to link for a user, percent-encoded as the spec's appendix shows it. */
export function matrixToUserUrl(userId: string): string {
  return MATRIX_TO_PREFIX + encodeURIComponent(userId);
}
