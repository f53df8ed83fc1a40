/**
 * Matrix event content -> what the core sends to a network. Everything here is untrusted input:
 * a field of the wrong type or a missing one gives a `rejected` result with the reason, never
 * an exception.
 */
import type { FileInfo, FormattedText, MediaKind } from "../../network/index.js";
import { matrixToFormatted, stripReplyFallback, type MentionResolver } from "../format/index.js";

type Mentions = Pick<MentionResolver, "remoteUserFor">;

export type ParsedMatrixMessage =
  | { kind: "text"; text: FormattedText; style: "text" | "notice" | "emote" }
  | { kind: "media"; media: MediaKind; url: string; info: FileInfo; caption?: FormattedText }
  | { kind: "contact"; url: string; info: FileInfo; displayName: string }
  | { kind: "location"; latitude: number; longitude: number; name?: string }
  | { kind: "rejected"; reason: string };

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined);

/** The event a reply points at, if the content is a reply. */
export function replyTargetOf(content: Record<string, unknown>): string | undefined {
  return str(record(record(content["m.relates_to"])?.["m.in_reply_to"])?.["event_id"]);
}

/** The relation type and target (m.replace, m.annotation...), if any. */
export function relationOf(content: Record<string, unknown>): { type: string; eventId: string; key?: string } | undefined {
  const relation = record(content["m.relates_to"]);
  const type = str(relation?.["rel_type"]);
  const eventId = str(relation?.["event_id"]);
  if (!type || !eventId) return undefined;
  const key = str(relation?.["key"]);
  return { type, eventId, ...(key !== undefined ? { key } : {}) };
}

function fileInfo(content: Record<string, unknown>, fallbackName: string): FileInfo {
  const info = record(content["info"]) ?? {};
  const audio = record(content["org.matrix.msc1767.audio"]);
  const waveform = audio?.["waveform"];
  const fileName = str(content["filename"]) ?? str(content["body"]) ?? fallbackName;
  const duration = num(info["duration"]) ?? num(audio?.["duration"]);
  return {
    mimeType: str(info["mimetype"]) ?? "application/octet-stream",
    fileName,
    ...(num(info["size"]) !== undefined ? { size: num(info["size"]) as number } : {}),
    ...(num(info["w"]) !== undefined ? { width: num(info["w"]) as number } : {}),
    ...(num(info["h"]) !== undefined ? { height: num(info["h"]) as number } : {}),
    ...(duration !== undefined ? { durationMs: duration } : {}),
    ...(Array.isArray(waveform) && waveform.every((v) => typeof v === "number") ? { waveform: waveform as number[] } : {}),
  };
}

/** A caption exists when a file has its own `filename` and `body` says something else. */
function captionOf(content: Record<string, unknown>, mentions: Mentions): FormattedText | undefined {
  const filename = str(content["filename"]);
  const body = str(content["body"]);
  if (!filename || !body || body === filename) return undefined;
  return matrixToFormatted(content as { body: string; format?: string; formatted_body?: string }, mentions);
}

const MEDIA_MSGTYPES: Record<string, MediaKind> = { "m.image": "image", "m.video": "video", "m.audio": "audio", "m.file": "file" };
const VCARD_TYPES = new Set(["text/vcard", "text/x-vcard", "text/directory"]);

/** Parses an m.room.message (or the m.new_content of an edit) or m.sticker event's content. */
export function parseMatrixMessage(type: string, raw: Record<string, unknown>, mentions: Mentions): ParsedMatrixMessage {
  if (type === "m.sticker") {
    const url = str(raw["url"]);
    if (!url) return { kind: "rejected", reason: "the sticker has no url" };
    return { kind: "media", media: "sticker", url, info: fileInfo(raw, "sticker.webp") };
  }
  const msgtype = str(raw["msgtype"]);
  const body = str(raw["body"]);
  if (msgtype === undefined) return { kind: "rejected", reason: "the message has no msgtype" };
  if (body === undefined) return { kind: "rejected", reason: "the message has no body" };
  const content = { ...raw, ...stripReplyFallback({ body, ...(typeof raw["formatted_body"] === "string" ? { formatted_body: raw["formatted_body"] } : {}) }) };
  switch (msgtype) {
    case "m.text":
    case "m.notice":
    case "m.emote":
      return {
        kind: "text",
        text: matrixToFormatted(content as { body: string }, mentions),
        style: msgtype === "m.text" ? "text" : msgtype === "m.notice" ? "notice" : "emote",
      };
    case "m.location": {
      const match = /^geo:(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)/.exec(str(raw["geo_uri"]) ?? "");
      if (!match) return { kind: "rejected", reason: "the location has no valid geo_uri" };
      const latitude = Number(match[1]);
      const longitude = Number(match[2]);
      if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return { kind: "rejected", reason: "the location is out of range" };
      const description = str(record(raw["org.matrix.msc3488.location"])?.["description"]);
      return { kind: "location", latitude, longitude, ...(description ? { name: description } : {}) };
    }
    default: {
      const media = MEDIA_MSGTYPES[msgtype];
      if (!media) return { kind: "rejected", reason: `messages of type ${msgtype} cannot be bridged` };
      const url = str(raw["url"]);
      if (!url) {
        return { kind: "rejected", reason: record(raw["file"]) ? "encrypted files cannot be bridged yet" : "the file has no url" };
      }
      const info = fileInfo(raw, media);
      if (media === "file" && VCARD_TYPES.has(info.mimeType.toLowerCase())) {
        return { kind: "contact", url, info, displayName: (info.fileName ?? "contact").replace(/\.(vcf|vcard)$/i, "") };
      }
      const isVoice = media === "audio" && raw["org.matrix.msc3245.voice"] !== undefined;
      const caption = captionOf(content, mentions);
      return { kind: "media", media: isVoice ? "voice" : media, url, info, ...(caption ? { caption } : {}) };
    }
  }
}
