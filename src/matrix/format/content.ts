/** The two directions between Matrix message content and the neutral FormattedText. */
import { plainText, type FormattedText } from "../../network/formatted-text.js";
import { htmlToFormatted } from "./html-to-text.js";
import type { MentionResolver } from "./mention-resolver.js";
import { formattedToHtml } from "./text-to-html.js";

const HTML_FORMAT = "org.matrix.custom.html";

/** Matrix event content (m.text / m.notice / m.emote body + optional org.matrix.custom.html formatted_body) -> neutral. */
export function matrixToFormatted(
  content: { body: string; format?: string; formatted_body?: string },
  mentions: Pick<MentionResolver, "remoteUserFor">,
): FormattedText {
  // Event content is untrusted JSON: the types above are what the spec promises, not what arrives.
  const body = typeof content.body === "string" ? content.body : "";
  if (content.format !== HTML_FORMAT || typeof content.formatted_body !== "string") return plainText(body);
  return htmlToFormatted(content.formatted_body, mentions);
}

/** Neutral -> Matrix content fields: { body, format?, formatted_body? } (format+formatted_body only when there is formatting or a mention). */
export function formattedToMatrix(
  text: FormattedText,
  mentions: Pick<MentionResolver, "matrixUserFor">,
): { body: string; format?: "org.matrix.custom.html"; formatted_body?: string; "m.mentions"?: { user_ids: string[] } } {
  const rendered = formattedToHtml(text, mentions);
  return {
    body: text.text,
    ...(rendered.hasMarkup ? { format: HTML_FORMAT, formatted_body: rendered.html } : {}),
    ...(rendered.mentionedUserIds.length > 0 ? { "m.mentions": { user_ids: rendered.mentionedUserIds } } : {}),
  };
}
