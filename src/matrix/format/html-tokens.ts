/**
 * Turns HTML into a flat stream of start tags, end tags and text, using htmlparser2's tokenizer.
 *
 * We use the tokenizer rather than htmlparser2's Parser because the Parser keeps its open
 * elements with Array#unshift and searches them on every end tag, which is quadratic in the
 * nesting depth: 100,000 nested tags take seconds. The tree rules we need (which end tag closes
 * what) are few and live in html-to-text.ts, with a stack that costs O(1) per tag.
 * The tokenizer still gives us htmlparser2's tolerance: unquoted attributes, stray `<`, entity
 * decoding (including legacy ones without `;`), and raw text in <script>/<style>.
 */
import { Tokenizer, type TokenizerCallbacks } from "htmlparser2";

export interface HtmlTokenHandler {
  /** A start tag; the name is lower-case, attribute names too, and the first of a repeated attribute wins. */
  openTag(name: string, attributes: ReadonlyMap<string, string>): void;
  closeTag(name: string): void;
  /** Text with character references already decoded. */
  text(text: string): void;
}

const NO_ATTRIBUTES: ReadonlyMap<string, string> = new Map();

export function tokenizeHtml(html: string, handler: HtmlTokenHandler): void {
  let tagName = "";
  let attributes: Map<string, string> | undefined;
  let attributeName = "";
  let attributeValue = "";

  const finishOpenTag = () => {
    handler.openTag(tagName, attributes ?? NO_ATTRIBUTES);
    attributes = undefined;
  };
  const ignore = () => undefined;

  const callbacks: TokenizerCallbacks = {
    ontext: (start, end) => handler.text(html.slice(start, end)),
    ontextentity: (codePoint) => handler.text(String.fromCodePoint(codePoint)),
    onopentagname: (start, end) => {
      tagName = html.slice(start, end).toLowerCase();
      attributes = undefined;
    },
    onattribname: (start, end) => {
      attributeName = html.slice(start, end).toLowerCase();
      attributeValue = "";
    },
    onattribdata: (start, end) => {
      attributeValue += html.slice(start, end);
    },
    onattribentity: (codePoint) => {
      attributeValue += String.fromCodePoint(codePoint);
    },
    onattribend: () => {
      attributes ??= new Map();
      if (!attributes.has(attributeName)) attributes.set(attributeName, attributeValue);
      attributeValue = "";
    },
    onopentagend: finishOpenTag,
    // HTML ignores the slash in <b/>: the element stays open, as in a browser.
    onselfclosingtag: finishOpenTag,
    onclosetag: (start, end) => handler.closeTag(html.slice(start, end).toLowerCase()),
    oncomment: ignore,
    oncdata: ignore,
    ondeclaration: ignore,
    onprocessinginstruction: ignore,
    onend: ignore,
  };
  const tokenizer = new Tokenizer({ decodeEntities: true }, callbacks);
  tokenizer.write(html);
  tokenizer.end();
}
