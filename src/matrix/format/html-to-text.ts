/**
 * Matrix HTML (org.matrix.custom.html) -> neutral FormattedText.
 *
 * The walk is a loop over tokens with an explicit stack of open elements, never a recursion
 * over the document, so hostile nesting (100,000 levels, a megabyte of tags) costs linear time
 * and no call stack. Styling is only honoured in the first STYLE_DEPTH_LIMIT levels: deeper
 * elements still count for matching end tags, but contribute their text only.
 */
import type { FormattedText, StyleEntityType, TextEntity } from "../../network/formatted-text.js";
import { roleOf, voidRoleOf, type ElementRole, type VoidRole } from "./html-elements.js";
import { tokenizeHtml } from "./html-tokens.js";
import type { MentionResolver } from "./mention-resolver.js";
import { normalizeEntities } from "./normalize-entities.js";
import { TextBuilder, type Span } from "./text-builder.js";
import { matrixUserIdFromHref, safeLinkUrl } from "./urls.js";

const STYLE_DEPTH_LIMIT = 100;
const BULLET = "• ";
const NESTED_LIST_INDENT = "  ";

/** An entity as it opens; its range is filled in when the element closes. */
type PendingEntity =
  | { type: StyleEntityType; language?: string }
  | { type: "link"; url: string }
  | { type: "mention"; user: string };

interface Frame {
  readonly name: string;
  /** Undefined when the element is too deep to style, or sits inside dropped content. */
  readonly role: ElementRole | undefined;
  /** Index in the stack of the <li> an opening <li> would close, or -1 (a list in between shields it). */
  readonly itemScope: number;
  span?: Span;
  entity?: PendingEntity;
  /** Order of opening, so entities covering the same range keep their nesting order. */
  sequence?: number;
  /** Lists: the number the next item gets. */
  nextNumber?: number;
}

class HtmlToText {
  private readonly out = new TextBuilder();
  private readonly stack: Frame[] = [];
  /** How many elements of each name are open, so a stray end tag costs O(1), not a stack search. */
  private readonly openCounts = new Map<string, number>();
  private readonly entities: { sequence: number; entity: TextEntity }[] = [];
  private readonly lists: Frame[] = [];
  private readonly pres: Frame[] = [];
  private dropDepth = 0;
  private sequence = 0;
  /** HTML drops a newline that directly follows <pre>; authors write "<pre>\ncode". */
  private skipPreNewline = false;

  constructor(private readonly mentions: Pick<MentionResolver, "remoteUserFor">) {}

  run(html: string): FormattedText {
    tokenizeHtml(html, {
      openTag: (name, attributes) => this.openTag(name, attributes),
      closeTag: (name) => this.closeTag(name),
      text: (text) => this.text(text),
    });
    while (this.stack.length > 0) this.pop();
    return this.result();
  }

  private openTag(name: string, attributes: ReadonlyMap<string, string>): void {
    this.skipPreNewline = false;
    this.closeImplied(name);
    const voidRole = voidRoleOf(name);
    if (voidRole !== undefined) {
      if (this.dropDepth === 0) this.voidElement(voidRole, attributes);
      return;
    }
    const role = roleOf(name);
    const parent = this.stack[this.stack.length - 1];
    const itemScope = role.kind === "item" ? this.stack.length : role.kind === "list" ? -1 : (parent?.itemScope ?? -1);
    const active = role.kind !== "drop" && this.dropDepth === 0 && this.stack.length < STYLE_DEPTH_LIMIT;
    const frame: Frame = { name, role: active ? role : undefined, itemScope };
    if (role.kind === "drop") this.dropDepth += 1;
    if (active) this.enter(frame, role, attributes);
    this.stack.push(frame);
    this.openCounts.set(name, (this.openCounts.get(name) ?? 0) + 1);
  }

  /** The few HTML rules where a start tag ends an open element, which matter for lists and links. */
  private closeImplied(name: string): void {
    if (name === "body" && this.isOpen("head")) {
      this.popThrough("head");
      return;
    }
    if (this.dropDepth > 0) return;
    if (name === "li") {
      const item = this.stack[this.stack.length - 1]?.itemScope ?? -1;
      while (item >= 0 && this.stack.length > item) this.pop();
    } else if (name === "a" && this.isOpen("a")) {
      this.popThrough("a");
    }
  }

  private closeTag(name: string): void {
    this.skipPreNewline = false;
    // Browsers read a stray </br> as <br>.
    if (name === "br") {
      if (this.dropDepth === 0) this.voidElement("break", new Map());
      return;
    }
    if (this.isOpen(name)) this.popThrough(name);
  }

  private text(text: string): void {
    if (this.dropDepth > 0) return;
    if (this.pres.length > 0) {
      const kept = this.skipPreNewline ? text.replace(/^\r?\n/, "") : text;
      this.out.preText(kept);
    } else {
      this.out.text(text);
    }
    this.skipPreNewline = false;
  }

  private isOpen(name: string): boolean {
    return (this.openCounts.get(name) ?? 0) > 0;
  }

  private popThrough(name: string): void {
    while (this.stack.length > 0) {
      if (this.pop().name === name) return;
    }
  }

  private pop(): Frame {
    const frame = this.stack.pop() as Frame;
    this.openCounts.set(frame.name, (this.openCounts.get(frame.name) ?? 1) - 1);
    if (frame.role === undefined) {
      if (roleOf(frame.name).kind === "drop") this.dropDepth -= 1;
    } else {
      this.leave(frame, frame.role);
    }
    return frame;
  }

  private enter(frame: Frame, role: ElementRole, attributes: ReadonlyMap<string, string>): void {
    switch (role.kind) {
      case "style":
        if (role.style === "code" && this.pres.length > 0) {
          // <pre><code class="language-x"> is one code block: the language is the block's.
          const pre = this.pres[this.pres.length - 1] as Frame;
          if (pre.entity && !("language" in pre.entity)) {
            const language = languageOf(attributes);
            if (language !== undefined) pre.entity = { type: "pre", language };
          }
          return;
        }
        this.beginEntity(frame, { type: role.style });
        return;
      case "link":
        this.enterLink(frame, attributes.get("href") ?? "");
        return;
      case "block":
        this.out.startBlock();
        return;
      case "heading":
        this.out.startBlock();
        this.beginEntity(frame, { type: "bold" });
        return;
      case "blockquote":
        this.out.startBlock();
        this.beginEntity(frame, { type: "blockquote" });
        return;
      case "pre": {
        this.out.startBlock();
        const language = languageOf(attributes);
        this.beginEntity(frame, language !== undefined ? { type: "pre", language } : { type: "pre" });
        this.pres.push(frame);
        this.skipPreNewline = true;
        return;
      }
      case "list":
        this.out.startBlock();
        frame.nextNumber = role.ordered ? integerAttribute(attributes, "start") ?? 1 : undefined;
        this.lists.push(frame);
        return;
      case "item":
        this.out.startBlock();
        this.out.marker(this.itemMarker(attributes));
        return;
      case "cell":
        this.out.space();
        return;
      case "drop":
      case "inline":
        return;
    }
  }

  private leave(frame: Frame, role: ElementRole): void {
    if (role.kind === "pre") {
      this.out.endPre();
      this.pres.pop();
    }
    if (role.kind === "list") this.lists.pop();
    if (frame.span && frame.entity) {
      const range = this.out.closeSpan(frame.span);
      if (range) this.entities.push({ sequence: frame.sequence ?? 0, entity: Object.assign(frame.entity, range) as TextEntity });
    }
    switch (role.kind) {
      case "block":
      case "heading":
      case "blockquote":
      case "pre":
      case "list":
      case "item":
        this.out.endBlock();
        return;
      case "cell":
        this.out.space();
        return;
      default:
        return;
    }
  }

  private enterLink(frame: Frame, href: string): void {
    const matrixUser = matrixUserIdFromHref(href);
    if (matrixUser !== undefined) {
      const user = this.mentions.remoteUserFor(matrixUser);
      // A pill for someone the network cannot address stays as the name a reader saw.
      if (user !== undefined) this.beginEntity(frame, { type: "mention", user });
      return;
    }
    const url = safeLinkUrl(href);
    if (url !== undefined) this.beginEntity(frame, { type: "link", url });
  }

  private beginEntity(frame: Frame, entity: PendingEntity): void {
    frame.entity = entity;
    frame.span = this.out.openSpan();
    frame.sequence = this.sequence++;
  }

  private itemMarker(attributes: ReadonlyMap<string, string>): string {
    const list = this.lists[this.lists.length - 1];
    const indent = NESTED_LIST_INDENT.repeat(Math.max(0, this.lists.length - 1));
    if (list?.nextNumber === undefined) return indent + BULLET;
    const number = integerAttribute(attributes, "value") ?? list.nextNumber;
    list.nextNumber = number + 1;
    return `${indent}${number}. `;
  }

  private voidElement(role: VoidRole, attributes: ReadonlyMap<string, string>): void {
    switch (role) {
      case "break":
        if (this.pres.length > 0) this.out.preText("\n");
        else this.out.lineBreak();
        return;
      case "rule":
        this.out.startBlock();
        this.out.literal("---");
        this.out.endBlock();
        return;
      case "image": {
        // Custom emoji arrive as <img alt=":name:">; the alt text is what a text-only reader gets.
        const alt = attributes.get("alt") ?? attributes.get("title");
        if (alt) this.text(alt);
        return;
      }
      case "none":
        return;
    }
  }

  private result(): FormattedText {
    const raw = this.out.finish();
    const ordered = this.entities.sort((a, b) => a.sequence - b.sequence).map((item) => item.entity);
    const text = raw.trimEnd();
    const firstPre = ordered.reduce((min, entity) => (entity.type === "pre" ? Math.min(min, entity.offset) : min), Infinity);
    // Indentation at the start of a code block is code, not layout: keep it.
    const cut = Math.min(text.length - text.trimStart().length, firstPre);
    const shifted = cut === 0 ? ordered : ordered.map((entity) => ({ ...entity, offset: entity.offset - cut }));
    const trimmed = text.slice(cut);
    return { text: trimmed, entities: normalizeEntities(trimmed, shifted) };
  }
}

function languageOf(attributes: ReadonlyMap<string, string>): string | undefined {
  for (const token of (attributes.get("class") ?? "").split(/\s+/)) {
    if (token.startsWith("language-") && token.length > "language-".length) return token.slice("language-".length);
  }
  return undefined;
}

function integerAttribute(attributes: ReadonlyMap<string, string>, name: string): number | undefined {
  const match = /^\s*([+-]?\d{1,9})/.exec(attributes.get(name) ?? "");
  return match?.[1] !== undefined ? Number.parseInt(match[1], 10) : undefined;
}

export function htmlToFormatted(html: string, mentions: Pick<MentionResolver, "remoteUserFor">): FormattedText {
  return new HtmlToText(mentions).run(html);
}
