/**
 * Neutral message bodies -> Matrix event content. Files are uploaded by the caller first; this
 * module only shapes content, so it is pure and tested on its own.
 */
import type { FileInfo, FormattedText, IncomingBody, MediaKind } from "../../network/index.js";
import { formattedToMatrix, type MentionResolver } from "../format/index.js";

export type MatrixContent = Record<string, unknown>;
type Mentions = Pick<MentionResolver, "matrixUserFor">;

const MSGTYPE: Record<Exclude<MediaKind, "sticker">, string> = {
  image: "m.image",
  video: "m.video",
  audio: "m.audio",
  voice: "m.audio",
  file: "m.file",
};

export function textContent(text: FormattedText, mentions: Mentions, msgtype = "m.text"): MatrixContent {
  return { msgtype, ...formattedToMatrix(text, mentions) };
}

function matrixInfo(file: FileInfo): Record<string, unknown> {
  return {
    mimetype: file.mimeType,
    ...(file.size !== undefined ? { size: file.size } : {}),
    ...(file.width !== undefined ? { w: file.width } : {}),
    ...(file.height !== undefined ? { h: file.height } : {}),
    ...(file.durationMs !== undefined ? { duration: file.durationMs } : {}),
  };
}

const DEFAULT_NAMES: Record<MediaKind, string> = {
  image: "image",
  video: "video",
  audio: "audio",
  voice: "voice message",
  file: "file",
  sticker: "sticker",
};

/**
 * A file message. With a caption, `body` is the caption and `filename` the file's name, as
 * Matrix 1.10 defines captions; without one, `body` is the file name. Returns the event type
 * too, since stickers are their own event type.
 */
export function mediaContent(
  kind: MediaKind,
  mxc: string,
  file: FileInfo,
  caption: FormattedText | undefined,
  mentions: Mentions,
): { type: string; content: MatrixContent } {
  const fileName = file.fileName ?? DEFAULT_NAMES[kind];
  const info = matrixInfo(file);
  if (kind === "sticker") {
    return { type: "m.sticker", content: { body: caption?.text || fileName, url: mxc, info } };
  }
  const content: MatrixContent = { msgtype: MSGTYPE[kind], url: mxc, info, body: fileName };
  if (caption && caption.text.length > 0) Object.assign(content, formattedToMatrix(caption, mentions), { filename: fileName });
  if (kind === "voice") {
    // MSC3245: clients show a voice message player; MSC1767 carries duration and waveform.
    content["org.matrix.msc3245.voice"] = {};
    content["org.matrix.msc1767.audio"] = {
      ...(file.durationMs !== undefined ? { duration: file.durationMs } : {}),
      ...(file.waveform ? { waveform: file.waveform } : {}),
    };
  }
  return { type: "m.room.message", content };
}

export function locationContent(body: Extract<IncomingBody, { kind: "location" }>): MatrixContent {
  const uri = `geo:${body.latitude},${body.longitude}`;
  const label = [body.name, body.address].filter((part): part is string => !!part).join(", ");
  const text = label ? `Location: ${label} (${uri})` : `Location: ${uri}`;
  return {
    msgtype: "m.location",
    body: text,
    geo_uri: uri,
    "org.matrix.msc3488.location": { uri, ...(label ? { description: label } : {}) },
    "org.matrix.msc1767.text": text,
  };
}

/** Matrix has no contact cards: the vCard goes as a file, named after the contact. */
export function contactFileInfo(displayName: string): FileInfo {
  const safe = displayName.replace(/[^\p{L}\p{N} ._-]/gu, "").trim() || "contact";
  return { mimeType: "text/vcard", fileName: `${safe}.vcf` };
}

export function contactContent(displayName: string, mxc: string, size: number): MatrixContent {
  const info = contactFileInfo(displayName);
  return { msgtype: "m.file", body: `Contact: ${displayName}`, filename: info.fileName, url: mxc, info: { mimetype: info.mimeType, size } };
}

/** An edit: the new content for clients that understand edits, a starred fallback for the rest. */
export function editContent(newContent: MatrixContent, targetEventId: string): MatrixContent {
  const fallbackBody = `* ${String(newContent["body"] ?? "")}`;
  const fallback: MatrixContent = { ...newContent, body: fallbackBody };
  if (typeof newContent["formatted_body"] === "string") fallback["formatted_body"] = `* ${newContent["formatted_body"]}`;
  delete fallback["m.mentions"];
  return {
    ...fallback,
    "m.new_content": newContent,
    "m.relates_to": { rel_type: "m.replace", event_id: targetEventId },
  };
}

export function replyRelation(eventId: string): MatrixContent {
  return { "m.relates_to": { "m.in_reply_to": { event_id: eventId } } };
}
