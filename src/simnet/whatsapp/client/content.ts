/**
 * What travels inside an encrypted payload. The server never sees these shapes; like a real
 * WhatsApp client library, this one defines them: text (with WhatsApp markup and @number
 * mentions), media with captions, voice notes, locations, contact cards and replies, plus the
 * contents of edits and reactions.
 */
import { SimnetRequestError } from "../../client/http.js";
import { LIMITS, userJid, type MediaKind } from "../protocol.js";

/**
 * A reply: the quoted message, who wrote it, and optionally a short preview of it. In a
 * third-party chat a provider quotes by id only (it knows no phone JIDs), and a provider's copy
 * of a reply carries the id only.
 */
export interface Quote {
  id: string;
  participant?: string;
  preview?: string;
}

/** A file sealed with its own key; key and checksums travel only inside encrypted payloads. */
export interface MediaRef {
  id: string;
  kind: MediaKind;
  key: string;
  sha256: string;
  enc_sha256: string;
  mime: string;
  size: number;
  file_name?: string;
}

interface Common {
  quoted?: Quote;
  mentions?: string[];
}

export type MessageContent =
  | (Common & { type: "text"; text: string })
  | (Common & { type: "image" | "video" | "document" | "sticker"; media: MediaRef; caption?: string; width?: number; height?: number; seconds?: number })
  | (Common & { type: "audio"; media: MediaRef; ptt: boolean; seconds?: number; waveform?: number[] })
  | (Common & { type: "location"; latitude: number; longitude: number; name?: string; address?: string })
  | (Common & { type: "contact"; display_name: string; vcard: string });

/** The payload of an edit (the new text or caption) and of a reaction ("" removes it). */
export interface EditContent {
  type: "edit";
  text: string;
  mentions?: string[];
}
export interface ReactionContent {
  type: "reaction";
  emoji: string;
}
export interface RevokeContent {
  type: "revoke";
}
export type EnvelopeContent = MessageContent | EditContent | ReactionContent | RevokeContent;

/** Refuses before sending what the server would refuse or could not check (it sees no text). */
export function checkText(text: string | undefined, field = "text"): void {
  if (text !== undefined && text.length > LIMITS.maxTextChars) {
    throw new SimnetRequestError(413, "text_too_long", `the ${field} has ${text.length} characters; WhatsApp allows ${LIMITS.maxTextChars}`, undefined);
  }
}

/** The JIDs of `@15551234567` mentions in a text, in order, without repeats. */
export function mentionsIn(text: string): string[] {
  const jids = [...text.matchAll(/(?:^|[^\w@])@(\d{8,15})\b/g)].map((m) => userJid(m[1] as string));
  return [...new Set(jids)];
}

/** A one-line stand-in for any content: the text, a caption, or what kind of thing it is. */
export function describeContent(content: MessageContent): string {
  switch (content.type) {
    case "text":
      return content.text;
    case "image":
    case "video":
    case "document":
    case "sticker":
      return content.caption ?? `[${content.type}${content.media.file_name ? `: ${content.media.file_name}` : ""}]`;
    case "audio":
      return content.ptt ? `[voice note${content.seconds !== undefined ? `, ${content.seconds}s` : ""}]` : "[audio]";
    case "location":
      return `[location${content.name ? `: ${content.name}` : ""} ${content.latitude},${content.longitude}]`;
    case "contact":
      return `[contact: ${content.display_name}]`;
  }
}

/** The kind name a person would use: voice notes are audio with `ptt` on the wire. */
export function contentKind(content: MessageContent): string {
  return content.type === "audio" && content.ptt ? "voice" : content.type;
}
