/** The rules a message's content and later changes must follow, with the error each breach gets. */
import { badRequest } from "../core/protocol-error.js";
import { conflict, forbidden } from "./errors.js";
import { ERROR_CODES, LIMITS, type WireMention } from "./protocol.js";
import type { MessageRow } from "./store/messages.js";

export function checkText(text: string): void {
  if (text.length > LIMITS.maxTextLength) {
    throw badRequest(ERROR_CODES.textTooLong, `text is ${text.length} UTF-16 units long; at most ${LIMITS.maxTextLength} are allowed`, {
      max_length: LIMITS.maxTextLength,
    });
  }
}

/**
 * Mentions are ranges of the text (UTF-16 units) naming someone in the thread; they must lie
 * inside the text and must not overlap. Returned sorted by offset.
 */
export function checkMentions(text: string, mentions: readonly WireMention[], participants: ReadonlySet<string>): WireMention[] {
  const sorted = [...mentions].sort((a, b) => a.offset - b.offset);
  let end = 0;
  for (const [index, mention] of sorted.entries()) {
    const where = `mention at offset ${mention.offset}`;
    if (mention.offset + mention.length > text.length) throw invalidMention(`${where} runs past the end of the text (${text.length} units)`);
    if (index > 0 && mention.offset < end) throw invalidMention(`${where} overlaps the previous mention`);
    if (!participants.has(mention.user_id)) throw invalidMention(`${where} names '${mention.user_id}', who is not in this thread`);
    end = mention.offset + mention.length;
  }
  return sorted.map((m) => ({ offset: m.offset, length: m.length, user_id: m.user_id }));
}

const invalidMention = (message: string) => badRequest(ERROR_CODES.invalidMention, message);

const PICTOGRAPHIC = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u;
const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });

/** A reaction is one emoji: a single grapheme (skin tones and ZWJ sequences included). */
export function checkEmoji(emoji: string): void {
  const graphemes = [...segmenter.segment(emoji)];
  if (graphemes.length !== 1 || !PICTOGRAPHIC.test(emoji)) {
    throw badRequest(ERROR_CODES.invalidEmoji, `a reaction must be exactly one emoji, not '${emoji.slice(0, 32)}'`);
  }
}

export function checkNotUnsent(message: MessageRow): void {
  if (message.unsent_at !== null) throw conflict(ERROR_CODES.messageUnsent, `message '${message.id}' was unsent`);
}

export function checkSender(message: MessageRow, actor: string, action: string): void {
  if (message.sender !== actor) throw forbidden(ERROR_CODES.notSender, `only the sender may ${action} a message`);
}

/** Text messages only, by their sender, within 15 minutes of sending, at most 5 times. */
export function checkEditable(message: MessageRow, actor: string, now: number): void {
  checkSender(message, actor, "edit");
  checkNotUnsent(message);
  if (message.text === null) throw badRequest(ERROR_CODES.notEditable, "only messages with text can be edited");
  if (now - message.timestamp > LIMITS.editWindowMs) {
    throw conflict(ERROR_CODES.editWindowExpired, `messages can be edited for ${LIMITS.editWindowMs / 60_000} minutes after sending`);
  }
  if (message.edit_count >= LIMITS.maxEdits) {
    throw conflict(ERROR_CODES.editLimitReached, `a message can be edited at most ${LIMITS.maxEdits} times`);
  }
}
