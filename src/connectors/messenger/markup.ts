/**
 * Messenger text is plain text plus mention ranges (offset and length in UTF-16 units, as
 * JavaScript counts), which map 1:1 onto mention entities. Messenger renders no other styling:
 * outgoing bold, links and the like are sent as the text they cover.
 */
import type { FormattedText, MentionEntity } from "../../network/index.js";
import type { WireMention } from "../../simnet/messenger/protocol.js";

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

/** Mentions kept where they do not overlap an earlier one (Messenger refuses overlaps). */
export function toMessenger(formatted: FormattedText): MessengerText {
  const mentions: WireMention[] = [];
  let end = 0;
  const sorted = formatted.entities.filter((e): e is MentionEntity => e.type === "mention").sort((a, b) => a.offset - b.offset);
  for (const entity of sorted) {
    if (entity.offset < end || entity.length <= 0 || entity.offset + entity.length > formatted.text.length) continue;
    mentions.push({ offset: entity.offset, length: entity.length, user_id: entity.user });
    end = entity.offset + entity.length;
  }
  return { text: formatted.text, mentions };
}
