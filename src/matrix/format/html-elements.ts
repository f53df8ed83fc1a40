/** What each HTML element means for the neutral form. Elements not listed only contribute their text. */

export type ElementRole =
  | { kind: "style"; style: "bold" | "italic" | "strikethrough" | "code" }
  | { kind: "link" }
  | { kind: "block" }
  | { kind: "heading" }
  | { kind: "blockquote" }
  | { kind: "pre" }
  | { kind: "list"; ordered: boolean }
  | { kind: "item" }
  | { kind: "cell" }
  /** Content never shown to a reader (scripts, the reply fallback): dropped with everything inside. */
  | { kind: "drop" }
  | { kind: "inline" };

/** Elements that have no end tag, so they never go on the stack of open elements. */
export type VoidRole = "break" | "rule" | "image" | "none";

const BOLD = { kind: "style", style: "bold" } as const;
const ITALIC = { kind: "style", style: "italic" } as const;
const STRIKE = { kind: "style", style: "strikethrough" } as const;
const BLOCK = { kind: "block" } as const;
const HEADING = { kind: "heading" } as const;
const DROP = { kind: "drop" } as const;
const CELL = { kind: "cell" } as const;
const INLINE: ElementRole = { kind: "inline" };

const ROLES = new Map<string, ElementRole>([
  ["b", BOLD],
  ["strong", BOLD],
  ["i", ITALIC],
  ["em", ITALIC],
  ["s", STRIKE],
  ["del", STRIKE],
  ["strike", STRIKE],
  ["code", { kind: "style", style: "code" }],
  ["a", { kind: "link" }],
  ["blockquote", { kind: "blockquote" }],
  ["pre", { kind: "pre" }],
  ["ul", { kind: "list", ordered: false }],
  ["ol", { kind: "list", ordered: true }],
  ["li", { kind: "item" }],
  ["td", CELL],
  ["th", CELL],
  ...["h1", "h2", "h3", "h4", "h5", "h6"].map((name) => [name, HEADING] as const),
  ...["script", "style", "head", "title", "mx-reply", "template", "iframe", "noembed", "noframes"].map((name) => [name, DROP] as const),
  ...[
    "p", "div", "address", "article", "aside", "caption", "center", "dd", "details", "dialog", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "header", "hgroup", "main", "nav", "section",
    "summary", "table", "tbody", "tfoot", "thead", "tr",
  ].map((name) => [name, BLOCK] as const),
]);

const VOID_ROLES = new Map<string, VoidRole>([
  ["br", "break"],
  ["hr", "rule"],
  ["img", "image"],
  ...["area", "base", "basefont", "col", "embed", "input", "keygen", "link", "meta", "param", "source", "track", "wbr"].map(
    (name) => [name, "none"] as const,
  ),
]);

export function roleOf(name: string): ElementRole {
  return ROLES.get(name) ?? INLINE;
}

export function voidRoleOf(name: string): VoidRole | undefined {
  return VOID_ROLES.get(name);
}
