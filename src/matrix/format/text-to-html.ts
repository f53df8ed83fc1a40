/**
 * Neutral FormattedText -> Matrix HTML. Entities are normalized first (clamped, uncrossed), so
 * tags always nest and whatever a network sends cannot make us emit broken HTML.
 */
import type { FormattedText, TextEntity } from "../../network/formatted-text.js";
import { escapeHtml } from "../html.js";
import type { MentionResolver } from "./mention-resolver.js";
import { normalizeEntities } from "./normalize-entities.js";
import { matrixToUserUrl, safeLinkUrl } from "./urls.js";

export interface RenderedHtml {
  html: string;
  /** False when no entity produced a tag: the plain body says it all. */
  hasMarkup: boolean;
  /** Matrix users that got a pill, each once, in order of appearance. */
  mentionedUserIds: string[];
}

interface Element {
  readonly start: number;
  readonly end: number;
  readonly open: string;
  readonly close: string;
  /** Renders on lines of its own, so a newline right after it would show as an extra blank line. */
  readonly block: boolean;
  readonly pre: boolean;
  readonly code: boolean;
  /** A pill replaces the covered text with the display name, and anything styled inside it. */
  readonly replacesText: boolean;
}

const STYLE_TAGS = { bold: "strong", italic: "em", strikethrough: "del" } as const;

function elementFor(entity: TextEntity, mentions: Pick<MentionResolver, "matrixUserFor">, pills: Set<string>): Element | undefined {
  const start = entity.offset;
  const end = entity.offset + entity.length;
  const element = (open: string, close: string, kind: Partial<Pick<Element, "block" | "pre" | "code" | "replacesText">> = {}): Element => ({
    start,
    end,
    open,
    close,
    block: kind.block ?? false,
    pre: kind.pre ?? false,
    code: kind.code ?? false,
    replacesText: kind.replacesText ?? false,
  });
  switch (entity.type) {
    case "pre": {
      const language = entity.language?.trim();
      const attribute = language ? ` class="language-${escapeHtml(language)}"` : "";
      return element(`<pre><code${attribute}>`, "</code></pre>", { block: true, pre: true });
    }
    case "link": {
      const url = safeLinkUrl(entity.url);
      return url === undefined ? undefined : element(`<a href="${escapeHtml(url)}">`, "</a>");
    }
    case "mention": {
      const user = mentions.matrixUserFor(entity.user);
      if (user === undefined) return undefined;
      pills.add(user.userId);
      return element(`<a href="${escapeHtml(matrixToUserUrl(user.userId))}">${escapeHtml(user.displayName)}</a>`, "", { replacesText: true });
    }
    case "blockquote":
      return element("<blockquote>", "</blockquote>", { block: true });
    case "code":
      return element("<code>", "</code>", { code: true });
    default: {
      const tag = STYLE_TAGS[entity.type];
      return element(`<${tag}>`, `</${tag}>`);
    }
  }
}

export function formattedToHtml(formatted: FormattedText, mentions: Pick<MentionResolver, "matrixUserFor">): RenderedHtml {
  const text = formatted.text;
  const pills = new Set<string>();
  const elements: Element[] = [];
  for (const entity of normalizeEntities(text, formatted.entities)) {
    const element = elementFor(entity, mentions, pills);
    if (element) elements.push(element);
  }
  // The newline after a block is implied by the block itself; as <br> it would add a blank line.
  const impliedNewlines = new Set<number>();
  for (const element of elements) if (element.block && text[element.end] === "\n") impliedNewlines.add(element.end);

  const html: string[] = [];
  const open: Element[] = [];
  let position = 0;
  let preDepth = 0;

  // Remembered between calls: searching afresh from every entity boundary would rescan a long
  // newline-free text once per entity.
  let nextNewline = -1;
  const emitText = (until: number) => {
    while (position < until) {
      if (nextNewline < position) {
        nextNewline = text.indexOf("\n", position);
        if (nextNewline === -1) nextNewline = text.length;
      }
      const newline = nextNewline;
      const atNewline = newline < until;
      const stop = atNewline ? newline : until;
      html.push(escapeHtml(text.slice(position, stop)));
      position = stop;
      if (atNewline) {
        if (!impliedNewlines.has(newline)) html.push(preDepth > 0 ? "\n" : "<br>");
        position += 1;
      }
    }
  };
  // A code entity inside a code block would render as nested monospace; the block already says it.
  const silent = (element: Element) => element.code && preDepth > 0;
  const closeUntil = (limit: number) => {
    for (let top = open[open.length - 1]; top !== undefined && top.end <= limit; top = open[open.length - 1]) {
      emitText(top.end);
      open.pop();
      if (top.pre) preDepth -= 1;
      if (!silent(top)) html.push(top.close);
    }
  };

  for (let index = 0; index < elements.length; index++) {
    const element = elements[index] as Element;
    if (element.start < position) continue; // inside a pill, whose text was replaced
    closeUntil(element.start);
    emitText(element.start);
    if (!silent(element)) html.push(element.open);
    if (element.replacesText) {
      position = element.end;
      continue;
    }
    open.push(element);
    if (element.pre) preDepth += 1;
  }
  closeUntil(Infinity);
  emitText(text.length);
  return { html: html.join(""), hasMarkup: elements.length > 0, mentionedUserIds: [...pills] };
}
