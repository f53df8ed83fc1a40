/**
 * What a third-party provider's device gets of a message in a third-party chat: the same content
 * without the phone numbers WhatsApp content carries elsewhere (mentions and quoted participants
 * are phone JIDs, `@<number>` mentions sit in the text, contact cards hold numbers). Mentions
 * become `@<name>`, a quote keeps only the quoted message's id, and a contact card only its
 * name. The server cannot do this (it sees ciphertext only): the sending app does, as any
 * WhatsApp client does for a third-party chat.
 */
import { userJid } from "../protocol.js";
import type { EnvelopeContent, MessageContent } from "./content.js";

/** The JIDs a content mentions, whose names the provider's copy shows instead. */
export function mentionedIn(content: EnvelopeContent): string[] {
  return "mentions" in content && content.mentions ? content.mentions : [];
}

function withNames(text: string, mentions: readonly string[], names: ReadonlyMap<string, string>): string {
  return text.replace(/@(\d{8,15})\b/g, (whole, phone: string) => {
    const jid = userJid(phone);
    return mentions.includes(jid) ? `@${names.get(jid) ?? "someone"}` : whole;
  });
}

/** `names`: the push name of each mentioned JID. */
export function providerCopy(content: EnvelopeContent, names: ReadonlyMap<string, string>): EnvelopeContent {
  if (content.type === "reaction" || content.type === "revoke") return content;
  const mentions = mentionedIn(content);
  const text = (value: string) => withNames(value, mentions, names);
  if (content.type === "edit") return { type: "edit", text: text(content.text) };
  const { mentions: _mentions, quoted, ...rest } = content;
  const common = quoted ? { quoted: { id: quoted.id } } : {};
  switch (rest.type) {
    case "text":
      return { ...rest, ...common, text: text(rest.text) };
    case "contact":
      return { ...rest, ...common, vcard: `BEGIN:VCARD\nVERSION:3.0\nFN:${rest.display_name}\nEND:VCARD` };
    default: {
      const message = { ...rest, ...common } as MessageContent;
      return "caption" in message && message.caption !== undefined ? { ...message, caption: text(message.caption) } : message;
    }
  }
}
