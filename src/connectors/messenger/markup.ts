/**
 * Messenger text is plain text plus mention ranges (offset and length in UTF-16 units, as
 * JavaScript counts), which map 1:1 onto mention entities. Messenger renders no other styling:
 * outgoing bold and the like are sent as the text they cover, and a link whose text is not its
 * address gets the address after it in brackets, so it is not lost.
 */
import type { FormattedText, LinkEntity, MentionEntity } from "../../network/index.js";
import { LIMITS, type WireMention } from "../../simnet/messenger/protocol.js";

export function fromMessenger(text: string, mentions: readonly WireMention[]): FormattedText {
  const entities: MentionEntity[] = mentions
    .filter((m) => m.offset >= 0 && m.length > 0 && m.offset + m.length <= text.length)
    .map((m) => ({ type: "mention", offset: m.offset, length: m.length, user: m.user_id }));
  entities.sort((a, b) => a.offset - b.offset);
  return { text, entities };
}

export interface MessengerText {
  text: string;
  mentions: WireMention[];
}

/** Mentions kept where they do not overlap an earlier one (Messenger refuses overlaps); links spelled out. */
export function toMessenger(formatted: FormattedText): MessengerText {
  const { text } = formatted;
  const kept = formatted.entities
    .filter((e): e is MentionEntity | LinkEntity => e.type === "mention" || e.type === "link")
    .sort((a, b) => a.offset - b.offset);
  const mentions: WireMention[] = [];
  let out = "";
  let cursor = 0;
  for (const entity of kept) {
    if (entity.offset < cursor || entity.length <= 0 || entity.offset + entity.length > text.length) continue;
    out += text.slice(cursor, entity.offset);
    const covered = text.slice(entity.offset, entity.offset + entity.length);
    if (entity.type === "mention") mentions.push({ offset: out.length, length: covered.length, user_id: entity.user });
    out += entity.type === "link" && covered !== entity.url ? `${covered} (${entity.url})` : covered;
    cursor = entity.offset + entity.length;
  }
  return { text: out + text.slice(cursor), mentions };
}

/**
 * Messenger refuses a whole message when one mention names someone outside the thread, or when
 * there are more than 50: those mentions are left as the text they cover (the person's name),
 * so the rest of the message still goes.
 */
export function keepMentionsOf(wire: MessengerText, members: ReadonlySet<string>): MessengerText {
  return { text: wire.text, mentions: wire.mentions.filter((m) => members.has(m.user_id)).slice(0, LIMITS.maxMentions) };
}
