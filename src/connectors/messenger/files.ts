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

/** A thread image or avatar: an image attachment whose details are learned on download. */
export function pictureFile(api: MessengerApi, attachmentId: string): IncomingFile {
  return { mimeType: "image/jpeg", download: () => mapErrors(async () => (await api.download(attachmentId)).data) };
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
