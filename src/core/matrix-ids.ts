/**
 * Matrix user ids for remote people. Localparts allow only a-z 0-9 . _ = - / +, so other
 * characters are mapped the way the Matrix spec suggests for other character sets: an upper-case
 * letter becomes _ and the letter, _ becomes __, anything else =xx per UTF-8 byte.
 */
import { LOCALPART_ID_PLACEHOLDER } from "../config/schema.js";

export function escapeLocalpart(id: string): string {
  let out = "";
  for (const byte of Buffer.from(id, "utf8")) {
    const ch = String.fromCharCode(byte);
    // "=" is the escape character itself, so it is escaped too.
    if (/[a-z0-9.\-/+]/.test(ch)) out += ch;
    else if (ch === "_") out += "__";
    else if (/[A-Z]/.test(ch)) out += `_${ch.toLowerCase()}`;
    else out += `=${byte.toString(16).padStart(2, "0")}`;
  }
  return out;
}

export function ghostUserId(template: string, localId: string, domain: string): string {
  return `@${template.replace(LOCALPART_ID_PLACEHOLDER, escapeLocalpart(localId))}:${domain}`;
}

/** Fills a display name template: {{name}} and {{id}}. */
export function ghostDisplayName(template: string, name: string, id: string): string {
  return template.replaceAll("{{name}}", name).replaceAll("{{id}}", id);
}
