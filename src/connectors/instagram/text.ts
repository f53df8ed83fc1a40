/**
 * Text both ways. Instagram direct messages are plain text; the server finds `https://` and
 * `www.` URLs and makes the item a `link` (its preview comes from the URL alone, so the bridge
 * ignores it and keeps the URL in the text). Incoming URLs become link entities; outgoing, a
 * link whose label differs from its URL is written as "label (url)" so the URL survives, and
 * every other entity is sent as its plain text.
 */
import type { FormattedText, LinkEntity } from "../../network/index.js";

const URL_PATTERN = /\b(?:https?:\/\/|www\.)[^\s<>"]+/giu;
/** Punctuation that ends a sentence rather than the URL. */
const TRAILING = /[.,;:!?)\]}'"]+$/u;

export function fromInstagram(text: string): FormattedText {
  const entities: LinkEntity[] = [];
  for (const match of text.matchAll(URL_PATTERN)) {
    const found = match[0].replace(TRAILING, "");
    if (found.length === 0) continue;
    const url = /^www\./i.test(found) ? `https://${found}` : found;
    entities.push({ type: "link", offset: match.index, length: found.length, url });
  }
  return { text, entities };
}

export function toInstagram(formatted: FormattedText): string {
  const links = formatted.entities.filter((e): e is LinkEntity => e.type === "link").sort((a, b) => b.offset - a.offset);
  let text = formatted.text;
  for (const link of links) {
    const label = text.slice(link.offset, link.offset + link.length);
    if (sameUrl(label, link.url)) continue;
    const end = link.offset + link.length;
    text = `${text.slice(0, end)} (${link.url})${text.slice(end)}`;
  }
  return text;
}

function sameUrl(label: string, url: string): boolean {
  const bare = (value: string) => value.replace(/^https?:\/\//i, "").replace(/^mailto:/i, "").replace(/\/$/, "").toLowerCase();
  return bare(label) === bare(url);
}
