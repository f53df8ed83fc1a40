/**
 * WhatsApp's text markup, parsed for whoever renders it elsewhere (the bridge turns it into
 * Matrix HTML): `*bold*`, `_italic_`, `~strike~`, `` `inline code` ``, ```` ```mono``` ````
 * blocks, `> quotes`, `- ` / `* ` bullet lists, `1. ` numbered lists and `@number` mentions.
 * Like WhatsApp, a marker only counts when it hugs a word on both sides (`*bold*`, not `* x *`).
 */

export type Inline =
  | { kind: "text"; text: string }
  | { kind: "bold" | "italic" | "strike"; children: Inline[] }
  | { kind: "code"; text: string }
  | { kind: "mention"; phone: string };

export type Block =
  | { kind: "paragraph"; children: Inline[] }
  | { kind: "quote"; children: Inline[] }
  | { kind: "bullet"; children: Inline[] }
  | { kind: "numbered"; number: number; children: Inline[] }
  | { kind: "codeblock"; text: string };

const STYLES: Record<string, "bold" | "italic" | "strike"> = { "*": "bold", _: "italic", "~": "strike" };

/** Parses one line (or span) of inline markup. */
export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let plain = "";
  const flush = () => {
    if (plain) out.push({ kind: "text", text: plain });
    plain = "";
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    const before = i === 0 ? " " : (text[i - 1] as string);
    const boundary = !/[\p{L}\p{N}]/u.test(before);
    if (ch === "`" && boundary) {
      const end = text.indexOf("`", i + 1);
      if (end > i + 1) {
        flush();
        out.push({ kind: "code", text: text.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    const style = STYLES[ch];
    if (style && boundary && text[i + 1] !== undefined && !/\s/.test(text[i + 1] as string)) {
      const end = closingMarker(text, ch, i + 1);
      if (end !== -1) {
        flush();
        out.push({ kind: style, children: parseInline(text.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    const mention = ch === "@" && boundary ? /^@(\d{8,15})\b/.exec(text.slice(i)) : null;
    if (mention) {
      flush();
      out.push({ kind: "mention", phone: mention[1] as string });
      i += mention[0].length;
      continue;
    }
    plain += ch;
    i += 1;
  }
  flush();
  return out;
}

/** The closing marker: not after a space, not followed by a letter or digit, on this line. */
function closingMarker(text: string, marker: string, from: number): number {
  for (let j = from + 1; j < text.length; j++) {
    if (text[j] === "\n") return -1;
    if (text[j] !== marker || /\s/.test(text[j - 1] as string)) continue;
    const after = text[j + 1];
    if (after === undefined || !/[\p{L}\p{N}]/u.test(after)) return j;
  }
  return -1;
}

export function parseMarkup(text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith("```")) {
      const rest = [line.slice(3)];
      let j = i;
      while (!(rest[rest.length - 1] as string).endsWith("```") && j + 1 < lines.length) rest.push(lines[++j] as string);
      const body = rest.join("\n");
      if (body.endsWith("```")) {
        blocks.push({ kind: "codeblock", text: body.slice(0, -3) });
        i = j;
        continue;
      }
    }
    const quote = /^> ?(.*)$/.exec(line);
    const bullet = /^[-*•] (.*)$/.exec(line);
    const numbered = /^(\d{1,3})\. (.*)$/.exec(line);
    if (quote) blocks.push({ kind: "quote", children: parseInline(quote[1] as string) });
    else if (bullet) blocks.push({ kind: "bullet", children: parseInline(bullet[1] as string) });
    else if (numbered) blocks.push({ kind: "numbered", number: Number(numbered[1]), children: parseInline(numbered[2] as string) });
    else blocks.push({ kind: "paragraph", children: parseInline(line) });
  }
  return blocks;
}
