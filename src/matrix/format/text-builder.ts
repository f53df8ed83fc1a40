/**
 * Builds the visible text of an HTML document the way a browser lays it out, so the neutral
 * text reads like what the Matrix user saw: runs of whitespace become one space, blocks start
 * on a new line, and nothing leads or trails a line. Inside <pre> the text is kept verbatim.
 *
 * Styled ranges are tracked as spans whose start waits for the first visible character: a
 * space or a line break that happens to sit just inside <b> must not become part of the bold
 * range, or a network would render "* bold*".
 *
 * It never reads back what it wrote (a long concatenated string would have to be flattened on
 * every look), so the layout state lives in a few flags instead.
 */

/** A styled range being built; `start` is -1 until the first visible character arrives. */
export interface Span {
  start: number;
}

const HTML_WHITESPACE_RUN = /[ \t\n\r\f]+|[^ \t\n\r\f]+/g;

export class TextBuilder {
  private readonly parts: string[] = [];
  private length = 0;
  /** Whitespace was seen; it becomes one space only if visible text follows on the same line. */
  private pendingSpace = false;
  /** A block ended or began; it becomes one newline only if more text follows. */
  private pendingBreak = false;
  /** Something (text or a list marker) is on the current line. */
  private lineDirty = false;
  /** Visible text is on the current line; a list marker alone does not count. */
  private lineHasText = false;
  /** How many newlines end the output, which a span closing now must leave outside itself. */
  private trailingNewlines = 0;
  /** Newlines inside <pre> are held back, so the ones before </pre> can be dropped. */
  private heldPreNewlines = 0;
  /** Spans that opened since the last visible character. */
  private waiting: Span[] = [];

  openSpan(): Span {
    const span: Span = { start: -1 };
    this.waiting.push(span);
    return span;
  }

  /** The span's range, or undefined when it covers no visible text. */
  closeSpan(span: Span): { offset: number; length: number } | undefined {
    if (span.start < 0) {
      const index = this.waiting.lastIndexOf(span);
      if (index >= 0) this.waiting.splice(index, 1);
      return undefined;
    }
    const end = this.length - Math.min(this.trailingNewlines, this.length - span.start);
    return end > span.start ? { offset: span.start, length: end - span.start } : undefined;
  }

  /** Text in normal flow, whitespace collapsed. */
  text(raw: string): void {
    for (const chunk of raw.match(HTML_WHITESPACE_RUN) ?? []) {
      if (/^[ \t\n\r\f]/.test(chunk)) this.pendingSpace = true;
      else this.literal(chunk);
    }
  }

  /** Whitespace between things (table cells), which collapses with any around it. */
  space(): void {
    this.pendingSpace = true;
  }

  /** Visible text emitted as is, e.g. the "---" of a rule. */
  literal(chunk: string): void {
    if (chunk.length === 0) return;
    this.flushBreak();
    if (this.pendingSpace && this.lineHasText) this.push(" ");
    this.pendingSpace = false;
    this.resolveWaiting();
    this.push(chunk);
    this.lineDirty = true;
    this.lineHasText = true;
    this.trailingNewlines = 0;
  }

  /** Text inside <pre>: spaces and newlines kept, except newlines right before the end of the block. */
  preText(raw: string): void {
    this.flushBreak();
    this.pendingSpace = false;
    const lines = raw.replace(/\r\n?/g, "\n").split("\n");
    lines.forEach((line, index) => {
      if (index > 0) this.heldPreNewlines += 1;
      if (line.length === 0) return;
      if (this.heldPreNewlines > 0) {
        this.push("\n".repeat(this.heldPreNewlines));
        this.heldPreNewlines = 0;
      }
      this.resolveWaiting();
      this.push(line);
      this.lineDirty = true;
      this.lineHasText = true;
      this.trailingNewlines = 0;
    });
  }

  /** A code block ended: the newline(s) that usually end its content are not part of the message. */
  endPre(): void {
    this.heldPreNewlines = 0;
  }

  /** <br>: a hard line break, kept even when the line is empty. */
  lineBreak(): void {
    this.flushBreak();
    this.pendingSpace = false;
    this.push("\n");
    this.lineDirty = false;
    this.lineHasText = false;
    this.trailingNewlines += 1;
  }

  /** A block opens. Right after a list marker it stays on the marker's line ("• <p>text" reads "• text"). */
  startBlock(): void {
    if (this.lineHasText) this.pendingBreak = true;
  }

  endBlock(): void {
    this.pendingBreak = true;
  }

  /** A list item's "• " or "1. ": starts a line but is not content a block would break away from. */
  marker(text: string): void {
    this.flushBreak();
    this.pendingSpace = false;
    this.resolveWaiting();
    this.push(text);
    this.lineDirty = true;
    this.lineHasText = false;
    this.trailingNewlines = 0;
  }

  finish(): string {
    return this.parts.join("");
  }

  private flushBreak(): void {
    if (!this.pendingBreak) return;
    this.pendingBreak = false;
    if (!this.lineDirty) return;
    this.push("\n");
    this.lineDirty = false;
    this.lineHasText = false;
    this.pendingSpace = false;
    this.trailingNewlines += 1;
  }

  private resolveWaiting(): void {
    if (this.waiting.length === 0) return;
    for (const span of this.waiting) span.start = this.length;
    this.waiting = [];
  }

  private push(chunk: string): void {
    this.parts.push(chunk);
    this.length += chunk.length;
  }
}
