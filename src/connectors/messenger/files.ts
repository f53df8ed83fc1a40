/**
 * Files as the core sees them: attachments (fetched from the server when the core asks), thread
 * images and profile pictures (attachments too), and catalog stickers, whose images the server
 * serves as `data:` URIs in the catalog.
 */
import type { IncomingFile, MediaKind } from "../../network/index.js";
import type { MessengerApi } from "../../simnet/messenger/client/api.js";
import type { AttachmentKind, WireAttachment, WireSticker } from "../../simnet/messenger/protocol.js";
import { mapErrors } from "./errors.js";

/** Neutral media kinds for Messenger's attachment kinds. */
export const MEDIA_OF: Record<AttachmentKind, MediaKind> = { image: "image", video: "video", audio: "audio", file: "file" };

export function attachmentFile(api: MessengerApi, attachment: WireAttachment): IncomingFile {
  return {
    mimeType: attachment.mime,
    size: attachment.size,
    ...(attachment.filename !== null ? { fileName: attachment.filename } : {}),
    download: () => mapErrors(async () => (await api.download(attachment.id)).data),
  };
}

/**
 * A thread image or avatar: only its attachment id is known until it is downloaded, so the MIME
 * type is a placeholder until then (the core reads it after downloading).
 */
export function pictureFile(api: MessengerApi, attachmentId: string): IncomingFile {
  const file: IncomingFile = {
    mimeType: "application/octet-stream",
    download: () =>
      mapErrors(async () => {
        const { attachment, data } = await api.download(attachmentId);
        file.mimeType = attachment.mime;
        return data;
      }),
  };
  return file;
}

/** Leading bytes of the picture formats Messenger shows, by MIME type. */
const PICTURE_SIGNATURES: readonly [mimeType: string, offset: number, bytes: Buffer][] = [
  ["image/png", 0, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
  ["image/jpeg", 0, Buffer.from([0xff, 0xd8, 0xff])],
  ["image/gif", 0, Buffer.from("GIF8", "latin1")],
  ["image/webp", 8, Buffer.from("WEBP", "latin1")],
];

/**
 * The MIME type of a file going to Messenger: what its bytes show when they are a known picture
 * format (a Matrix event may give no type, application/octet-stream, or a wrong one), otherwise
 * what the sender declared.
 */
export function realMimeType(file: { data: Buffer; mimeType: string }): string {
  const found = PICTURE_SIGNATURES.find(([, offset, bytes]) => file.data.subarray(offset, offset + bytes.length).equals(bytes));
  return found?.[0] ?? file.mimeType;
}

/** Reads a `data:` URI: base64 or percent-encoded. */
export function decodeDataUri(uri: string): { mimeType: string; data: Buffer } | undefined {
  const match = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s.exec(uri);
  if (!match) return undefined;
  const mimeType = match[1] || "text/plain";
  const base64 = (match[2] ?? "").split(";").includes("base64");
  const payload = match[3] ?? "";
  return { mimeType, data: base64 ? Buffer.from(payload, "base64") : Buffer.from(decodeURIComponent(payload), "utf8") };
}

export function stickerFile(sticker: WireSticker): IncomingFile | undefined {
  const decoded = decodeDataUri(sticker.image_uri);
  if (!decoded) return undefined;
  return { mimeType: decoded.mimeType, size: decoded.data.length, fileName: `${sticker.label.replace(/\W+/g, "-")}.svg`, download: async () => decoded.data };
}

/** The sticker catalog, fetched once per session. */
export class StickerCatalog {
  private loading: Promise<WireSticker[]> | undefined;

  constructor(private readonly api: MessengerApi) {}

  all(): Promise<WireSticker[]> {
    this.loading ??= this.api.stickers().then(
      (catalog) => catalog.stickers,
      (error: unknown) => {
        this.loading = undefined;
        throw error;
      },
    );
    return this.loading;
  }

  async byId(id: string): Promise<WireSticker | undefined> {
    return (await this.all()).find((sticker) => sticker.id === id);
  }

  /** The catalog sticker whose image is exactly these bytes, if any. */
  async byImage(data: Buffer): Promise<WireSticker | undefined> {
    return (await this.all()).find((sticker) => decodeDataUri(sticker.image_uri)?.data.equals(data) === true);
  }
}
