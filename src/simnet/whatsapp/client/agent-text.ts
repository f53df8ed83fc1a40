/**
 * WhatsApp text for the common agent: markup as the app displays it (markers gone, styles as
 * spans, list bullets and numbers shown, quotes without their `> `), and spans written back as
 * markup. A mention shows as `@<number>`, and only when the sender listed the number, as the app
 * highlights it only then.
 */
import type { AgentSpan, AgentSpanKind, AgentText } from "../../client/agent.js";
import { phoneOf, userJid } from "../protocol.js";
import { parseMarkup, type Inline } from "./markup.js";

export const WHATSAPP_FORMATS: readonly AgentSpanKind[] = ["bold", "italic", "strikethrough", "code", "mention"];

const MARKERS: Partial<Record<AgentSpanKind, string>> = { bold: "*", italic: "_", strikethrough: "~", code: "`" };
const STYLE_OF = { bold: "bold", italic: "italic", strike: "strikethrough" } as const;

export function shownText(markup: string, mentions: readonly string[] = []): AgentText {
  const listed = new Set(mentions);
  const out: AgentText = { text: "", spans: [] };
  const span = (kind: AgentSpanKind, from: number, extra: Partial<AgentSpan> = {}) => {
    if (out.text.length > from) out.spans.push({ kind, offset: from, length: out.text.length - from, ...extra });
  };
  const inline = (nodes: Inline[]) => {
    for (const node of nodes) {
      const from = out.text.length;
      if (node.kind === "text") out.text += node.text;
      else if (node.kind === "code") {
        out.text += node.text;
        span("code", from);
      } else if (node.kind === "mention") {
        out.text += `@${node.phone}`;
        if (listed.has(userJid(node.phone))) span("mention", from, { user: userJid(node.phone) });
      } else {
        inline(node.children);
        span(STYLE_OF[node.kind], from);
      }
    }
  };
  parseMarkup(markup).forEach((block, index) => {
    if (index > 0) out.text += "\n";
    if (block.kind === "codeblock") {
      const from = out.text.length;
      out.text += block.text;
      span("code", from);
      return;
    }
    if (block.kind === "bullet") out.text += "• ";
    if (block.kind === "numbered") out.text += `${block.number}. `;
    inline(block.children);
  });
  out.spans.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return out;
}

/**
 * Markup for a text and its spans (already checked, sorted, and not crossing one another): a
 * style gets its markers around it, a mention replaces what it covers with `@<number>`.
 */
export function writeMarkup(text: string, spans: readonly AgentSpan[]): { text: string; mentions: string[] } {
  let out = "";
  let cursor = 0;
  const mentions: string[] = [];
  const open: AgentSpan[] = [];
  const closeUntil = (position: number) => {
    for (let top = open[open.length - 1]; top && top.offset + top.length <= position; top = open[open.length - 1]) {
      const end = top.offset + top.length;
      out += text.slice(cursor, end) + (MARKERS[top.kind] ?? "");
      cursor = end;
      open.pop();
    }
  };
  for (const span of spans) {
    closeUntil(span.offset);
    if (span.offset < cursor) continue;
    out += text.slice(cursor, span.offset);
    cursor = span.offset;
    if (span.kind === "mention") {
      const jid = span.user as string;
      out += `@${phoneOf(jid)}`;
      if (!mentions.includes(jid)) mentions.push(jid);
      cursor = span.offset + span.length;
      continue;
    }
    out += MARKERS[span.kind] ?? "";
    open.push(span);
  }
  closeUntil(Number.POSITIVE_INFINITY);
  return { text: out + text.slice(cursor), mentions };
}
