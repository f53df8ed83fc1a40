/**
 * Uploaded photos, videos, voice audio and avatars. The server decides the type from the bytes
 * (as Instagram's upload service does) rather than trusting a declared one, and each kind has
 * its own size limit.
 */
import { decodeBase64, type MediaStore, type StoredMedia } from "../core/media.js";
import { badRequest } from "../core/protocol-error.js";
import { notFound } from "./errors.js";
import { LIMITS } from "./protocol.js";

export type UploadKind = "photo" | "video" | "audio";

const MAX_BYTES: Record<UploadKind, number> = { photo: LIMITS.photoMaxBytes, video: LIMITS.videoMaxBytes, audio: LIMITS.audioMaxBytes };

const ascii = (data: Buffer, at: number, text: string) => data.subarray(at, at + text.length).toString("latin1") === text;

/** Magic numbers of the formats Instagram takes, in the order they are tried. */
const SIGNATURES: { mime: string; kind: UploadKind; matches(data: Buffer): boolean }[] = [
  { mime: "image/jpeg", kind: "photo", matches: (d) => d[0] === 0xff && d[1] === 0xd8 && d[2] === 0xff },
  { mime: "image/png", kind: "photo", matches: (d) => ascii(d, 0, "\x89PNG\r\n\x1a\n") },
  { mime: "image/gif", kind: "photo", matches: (d) => ascii(d, 0, "GIF87a") || ascii(d, 0, "GIF89a") },
  { mime: "image/webp", kind: "photo", matches: (d) => ascii(d, 0, "RIFF") && ascii(d, 8, "WEBP") },
  { mime: "audio/mp4", kind: "audio", matches: (d) => ascii(d, 4, "ftypM4A") },
  { mime: "video/quicktime", kind: "video", matches: (d) => ascii(d, 4, "ftypqt") },
  { mime: "video/mp4", kind: "video", matches: (d) => ascii(d, 4, "ftyp") },
  { mime: "audio/ogg", kind: "audio", matches: (d) => ascii(d, 0, "OggS") },
  { mime: "audio/mpeg", kind: "audio", matches: (d) => ascii(d, 0, "ID3") || (d[0] === 0xff && ((d[1] ?? 0) & 0xe0) === 0xe0 && ((d[1] ?? 0) & 0x06) !== 0) },
  { mime: "audio/aac", kind: "audio", matches: (d) => d[0] === 0xff && (d[1] === 0xf1 || d[1] === 0xf9) },
];

/** Decodes and identifies an upload of `kind`; anything else is refused. */
export function acceptUpload(kind: UploadKind, base64: string, field = "data"): { mime: string; data: Buffer } {
  const data = decodeBase64(base64, kind === "photo" && field === "avatar" ? LIMITS.avatarMaxBytes : MAX_BYTES[kind], field);
  if (data.length === 0) throw badRequest("invalid_media", `'${field}' is empty`);
  const signature = SIGNATURES.find((s) => s.matches(data));
  if (!signature || signature.kind !== kind) {
    throw badRequest("unsupported_media_type", `'${field}' is not a ${kind} Instagram takes (${SIGNATURES.filter((s) => s.kind === kind).map((s) => s.mime).join(", ")})`);
  }
  return { mime: signature.mime, data };
}

export function kindOf(mime: string): UploadKind {
  return mime.startsWith("image/") ? "photo" : mime.startsWith("video/") ? "video" : "audio";
}

/**
 * An upload with its bytes, for whoever has its id: like Instagram's CDN URLs, anyone signed in
 * (or a provider) who has the unguessable id may fetch it.
 */
export function uploadAnswer(media: MediaStore, uploadId: string | undefined): { upload_id: string; mime: string; size: number; data: string } {
  const upload = /^[a-z0-9]{1,40}$/.test(uploadId ?? "") ? media.get(uploadId!) : undefined;
  if (!upload) throw notFound("upload_not_found", `Upload not found: ${uploadId}`);
  return { upload_id: upload.id, mime: upload.mime, size: upload.size, data: upload.data.toString("base64") };
}

/** An upload `owner` made, of one of `kinds`, to put in a message. */
export function ownUpload(media: MediaStore, owner: string, uploadId: string, kinds: UploadKind[]): StoredMedia {
  const upload = /^[a-z0-9]{1,40}$/.test(uploadId) ? media.get(uploadId) : undefined;
  if (!upload || upload.owner !== owner) throw notFound("upload_not_found", `Upload not found: ${uploadId}`);
  if (!kinds.includes(kindOf(upload.mime))) throw badRequest("wrong_upload_kind", `upload ${uploadId} is ${upload.mime}, not a ${kinds.join(" or ")}`);
  return upload;
}
