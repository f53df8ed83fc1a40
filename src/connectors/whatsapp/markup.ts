/**
 * WhatsApp markup to the neutral FormattedText and back.
 *
 * Incoming, the client library's parser decides what counts as markup, so the bridge reads a
 * message the way WhatsApp shows it: `*bold*`, `_italic_`, `~strike~`, `` `code` `` and
 * ```` ```mono``` ```` become entities over text without the markers, `> ` lines one block
 * quote, and bullets and numbered lists stay text (WhatsApp draws no list either). `@number` is a
 * mention only when the sender listed the number in `mentions`, as WhatsApp highlights it only
 * then; otherwise it is the text someone typed.
 *
 * Outgoing, entities become markers again. WhatsApp honours a marker only where it hugs a word,
 * so whitespace at the edge of a styled range moves outside the markers, styles spanning lines
 * are marked per line, and a style that starts or ends inside a word is sent unmarked: text
 * WhatsApp would show with stray asterisks is worse than plain text.
 */
import { sortEntities, type FormattedText, type StyleEntity, type StyleEntityType, type TextEntity } from "../../network/index.js";
import { parseInline, parseMarkup, type Inline } from "../../simnet/whatsapp/client/markup.js";
import { isUserJid, phoneOf, userJid } from "./ids.js";

// WhatsApp -> neutral

class TextBuilder {
  text = "";
  readonly entities: TextEntity[] = [];

  append(text: string): void {
    this.text += text;
  }

  /** Starts an entity here; pushed before what it contains, so outer entities sort first. */
  open(type: StyleEntityType): StyleEntity {
    const entity: StyleEntity = { type, offset: this.text.length, length: 0 };
    this.entities.push(entity);
    return entity;
  }

  close(entity: StyleEntity): void {
    entity.length = this.text.length - entity.offset;
  }

  result(): FormattedText {
    return { text: this.text, entities: sortEntities(this.entities.filter((entity) => entity.length > 0)) };
  }
}

const INLINE_STYLE = { bold: "bold", italic: "italic", strike: "strikethrough" } as const;
/** ```mono``` inside a line: WhatsApp shows it monospaced; the library's parser knows only blocks. */
const INLINE_FENCE = /```(.+?)```/g;
const QUOTE_PREFIX = /^> ?/;
const BULLET_PREFIX = /^[-*•] /;
const NUMBER_PREFIX = /^\d{1,3}\. /;

export function fromWhatsapp(markup: string, mentions: readonly string[] = []): FormattedText {
  const listed = new Set(mentions);
  const out = new TextBuilder();
  const lines = markup.split("\n");
  let line = 0;
  let quote: StyleEntity | undefined;

  const inlines = (nodes: Inline[]): void => {
    for (const node of nodes) {
      if (node.kind === "text") out.append(node.text);
      else if (node.kind === "code") {
        const code = out.open("code");
        out.append(node.text);
        out.close(code);
      } else if (node.kind === "mention") {
        const jid = userJid(node.phone);
        if (listed.has(jid)) out.entities.push({ type: "mention", offset: out.text.length, length: node.phone.length + 1, user: jid });
        out.append(`@${node.phone}`);
      } else {
        const style = out.open(INLINE_STYLE[node.kind]);
        inlines(node.children);
        out.close(style);
      }
    }
  };
  const content = (text: string): void => {
    let from = 0;
    for (const fence of text.matchAll(INLINE_FENCE)) {
      inlines(parseInline(text.slice(from, fence.index)));
      const code = out.open("code");
      out.append(fence[1] as string);
      out.close(code);
      from = fence.index + fence[0].length;
    }
    inlines(parseInline(text.slice(from)));
  };

  // The parser gives the blocks; their source lines are walked alongside (a block is one line,
  // a code block as many as its text has) to read each line's inline markup, fences included.
  parseMarkup(markup).forEach((block, index) => {
    if (index > 0) out.append("\n");
    const source = lines[line] ?? "";
    if (block.kind === "codeblock") {
      line += block.text.split("\n").length;
      quote = undefined;
      const pre = out.open("pre");
      out.append(block.text.replace(/^\n/, "").replace(/\n$/, ""));
      out.close(pre);
      return;
    }
    line += 1;
    if (block.kind === "quote") {
      // Consecutive quote lines are one quote, as they look on the phone.
      quote ??= out.open("blockquote");
      content(source.replace(QUOTE_PREFIX, ""));
      out.close(quote);
      return;
    }
    quote = undefined;
    if (block.kind === "bullet") {
      out.append("• ");
      content(source.replace(BULLET_PREFIX, ""));
    } else if (block.kind === "numbered") {
      const prefix = NUMBER_PREFIX.exec(source)?.[0] ?? "";
      out.append(prefix);
      content(source.slice(prefix.length));
    } else content(source);
  });
  return out.result();
}

// neutral -> WhatsApp

export interface WhatsappText {
  text: string;
  /** JIDs of the people mentioned, for the message's `mentions`. */
  mentions: string[];
}

interface Node {
  entity?: TextEntity;
  start: number;
  end: number;
  children: Node[];
}

const MARKER: Partial<Record<TextEntity["type"], string>> = { bold: "*", italic: "_", strikethrough: "~" };
const WORD_CHAR = /[\p{L}\p{N}]/u;

/** Entities as a tree; one that crosses its would-be parent is dropped, as WhatsApp cannot show it. */
function entityTree(text: string, entities: readonly TextEntity[]): Node {
  const root: Node = { start: 0, end: text.length, children: [] };
  const stack: Node[] = [root];
  for (const entity of sortEntities(entities)) {
    const start = Math.max(0, Math.min(entity.offset, text.length));
    const end = Math.max(start, Math.min(entity.offset + entity.length, text.length));
    if (end === start) continue;
    while (stack.length > 1 && start >= (stack[stack.length - 1] as Node).end) stack.pop();
    const parent = stack[stack.length - 1] as Node;
    if (end > parent.end) continue;
    const node: Node = { entity, start, end, children: [] };
    parent.children.push(node);
    stack.push(node);
  }
  return root;
}

export function toWhatsapp(formatted: FormattedText): WhatsappText {
  const { text } = formatted;
  const mentions: string[] = [];
  const charAt = (index: number) => text[index] ?? "";

  const children = (node: Node, ancestors: ReadonlySet<string>): string => {
    let out = "";
    let position = node.start;
    for (const child of node.children) {
      out += text.slice(position, child.start) + render(child, ancestors);
      position = child.end;
    }
    return out + text.slice(position, node.end);
  };

  const render = (node: Node, ancestors: ReadonlySet<string>): string => {
    const entity = node.entity as TextEntity;
    const raw = text.slice(node.start, node.end);
    const inner = () => children(node, new Set([...ancestors, entity.type]));
    const before = charAt(node.start - 1);
    const after = charAt(node.end);
    switch (entity.type) {
      case "bold":
      case "italic":
      case "strikethrough":
        // The same style inside itself would close the outer markers early.
        return ancestors.has(entity.type) ? inner() : markLines(inner(), MARKER[entity.type] as string, before, after, true);
      case "code":
        return raw.includes("`") ? raw : markLines(raw, "`", before, after, false);
      case "pre": {
        if (raw.includes("```")) return raw;
        // A code block is recognised only on lines of its own.
        const open = node.start > 0 && before !== "\n" ? "\n" : "";
        const close = node.end < text.length && after !== "\n" ? "\n" : "";
        return `${open}\`\`\`${raw}\`\`\`${close}`;
      }
      case "blockquote": {
        if (ancestors.has("blockquote")) return inner();
        const body = inner();
        const trailing = /\n*$/.exec(body)?.[0] ?? "";
        const quoted = body.slice(0, body.length - trailing.length).split("\n").map((line) => `> ${line}`).join("\n");
        const open = node.start > 0 && before !== "\n" ? "\n" : "";
        const close = trailing === "" && node.end < text.length && after !== "\n" ? "\n" : "";
        return `${open}${quoted}${trailing}${close}`;
      }
      case "link": {
        const shown = inner();
        // WhatsApp links bare URLs itself; other links keep their target in brackets.
        return raw === entity.url || `mailto:${raw}` === entity.url ? shown : `${shown} (${entity.url})`;
      }
      case "mention":
        if (!isUserJid(entity.user)) return inner();
        if (!mentions.includes(entity.user)) mentions.push(entity.user);
        return `@${phoneOf(entity.user)}`;
    }
  };

  return { text: children(entityTree(text, formatted.entities), new Set()), mentions };
}

/**
 * Wraps each line of `content` in `marker`, where WhatsApp will see it: a line piece gets markers
 * only if it has something besides whitespace and no letter or digit touches the markers
 * outside. `hug` moves edge whitespace outside the markers (styles); code keeps it inside.
 */
function markLines(content: string, marker: string, before: string, after: string, hug: boolean): string {
  const lines = content.split("\n");
  return lines
    .map((line, index) => {
      const lead = hug ? (/^\s*/.exec(line)?.[0] ?? "") : "";
      const trail = hug ? (/\s*$/.exec(line.slice(lead.length))?.[0] ?? "") : "";
      const core = line.slice(lead.length, line.length - trail.length);
      if (core.trim() === "") return line;
      const outsideBefore = lead !== "" ? lead : index === 0 ? before : "\n";
      const outsideAfter = trail !== "" ? trail : index === lines.length - 1 ? after : "\n";
      if (WORD_CHAR.test(outsideBefore) || (hug && WORD_CHAR.test(outsideAfter))) return line;
      return `${lead}${marker}${core}${marker}${trail}`;
    })
    .join("\n");
}
