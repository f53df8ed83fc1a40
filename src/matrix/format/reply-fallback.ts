/**
 * Rich-reply fallbacks (Matrix spec, "Rich replies"): older clients quote the replied-to
 * message in the reply itself, as "> " lines in `body` and an <mx-reply> block at the start of
 * `formatted_body`. The network gets the reply as a real reply, so the quote must go.
 */

const MX_REPLY_TAG = /<(\/?)mx-reply\b[^>]*>/gi;
const LEADING_MX_REPLY = /^\s*<mx-reply\b[^>]*>/i;

/** Removes a leading <mx-reply>…</mx-reply>, counting nested ones from clients that left them in. */
function stripHtmlFallback(html: string): string {
  const opening = LEADING_MX_REPLY.exec(html);
  if (!opening) return html;
  MX_REPLY_TAG.lastIndex = opening[0].length;
  let depth = 1;
  for (let tag = MX_REPLY_TAG.exec(html); tag !== null; tag = MX_REPLY_TAG.exec(html)) {
    depth += tag[1] === "/" ? -1 : 1;
    if (depth === 0) return html.slice(tag.index + tag[0].length);
  }
  // Never closed: not a fallback we understand, so leave the message alone.
  return html;
}

/**
 * Removes the quoted lines and the blank line after them. A fallback always starts with the
 * quoted sender ("> <@alice:example.org> ..." or "> * <@alice..." for emotes), which keeps a
 * message that merely begins with a quote of its own intact.
 */
function stripPlainFallback(body: string): string {
  if (!(body.startsWith("> <") || body.startsWith("> * <")) || !body.includes("\n")) return body;
  const lines = body.split("\n");
  let index = 0;
  while (index < lines.length && (lines[index] as string).startsWith(">")) index += 1;
  if (index < lines.length && lines[index] === "") index += 1;
  return lines.slice(index).join("\n");
}

/** For replies: strips a leading <mx-reply>…</mx-reply> from formatted_body and the "> " fallback lines from body (Matrix spec reply fallbacks). */
export function stripReplyFallback(content: { body: string; formatted_body?: string }): { body: string; formatted_body?: string } {
  const body = typeof content.body === "string" ? stripPlainFallback(content.body) : "";
  if (typeof content.formatted_body !== "string") return { body };
  return { body, formatted_body: stripHtmlFallback(content.formatted_body) };
}
