/**
 * Messages from the core, sent under the offline threading id derived from the core's key.
 *
 * Mentions are kept only of people in the thread (Messenger refuses a whole message naming
 * anyone else; their names stay as text). Media are uploaded, labelled with the type their bytes
 * show, then sent as attachments with the caption; a voice note goes as audio.
 * A Matrix sticker can only be a catalog sticker on Messenger: one whose image is byte for byte
 * a catalog image (as the bridge itself delivers them) is sent as that sticker; any other image
 * is refused as unsupported rather than turned into a photo the sender did not mean to send.
 */
import { NetworkError, type FormattedText, type OutgoingMessage, type RemoteChatId } from "../../network/index.js";
import type { MessengerApi } from "../../simnet/messenger/client/api.js";
import type { AttachmentKind, SendResult } from "../../simnet/messenger/protocol.js";
import { messengerCapabilities } from "./capabilities.js";
import { realMimeType, type StickerCatalog } from "./files.js";
import { offlineThreadingIdFor } from "./ids.js";
import { keepMentionsOf, toMessenger, type MessengerText } from "./markup.js";

type MediaBody = Extract<OutgoingMessage["body"], { kind: "media" }>;

const KIND: Record<Exclude<MediaBody["media"], "sticker">, AttachmentKind> = { image: "image", video: "video", audio: "audio", voice: "audio", file: "file" };

/** Messenger checks that images, video and audio carry a matching MIME type; anything else goes as a file. */
function attachmentKind(body: MediaBody, mimeType: string): AttachmentKind {
  const wanted = KIND[body.media as Exclude<MediaBody["media"], "sticker">] ?? "file";
  return wanted === "file" || mimeType.startsWith(`${wanted}/`) ? wanted : "file";
}

/** Formatted text as Messenger takes it in `chat`: mentions only of people in the thread. */
export async function toThreadText(api: MessengerApi, chat: RemoteChatId, text: FormattedText): Promise<MessengerText> {
  const wire = toMessenger(text);
  if (wire.mentions.length === 0) return wire;
  const { participants } = await api.thread(chat);
  return keepMentionsOf(wire, new Set(participants.map((p) => p.id)));
}

export async function sendOutgoing(api: MessengerApi, stickers: StickerCatalog, chat: RemoteChatId, message: OutgoingMessage, key: string): Promise<SendResult> {
  const otid = offlineThreadingIdFor(key);
  const reply = message.replyTo ? { replyTo: message.replyTo.id } : {};
  const body = message.body;
  switch (body.kind) {
    case "text": {
      const text = await toThreadText(api, chat, body.text);
      return api.send(chat, { text: text.text, mentions: text.mentions, ...reply }, otid);
    }
    case "location":
      throw new NetworkError("unsupported", "Messenger threads cannot carry locations");
    case "contact":
      throw new NetworkError("unsupported", "Messenger threads cannot carry contact cards");
    case "media": {
      if (body.media === "sticker") {
        const sticker = await stickers.byImage(body.file.data);
        if (!sticker) throw new NetworkError("unsupported", "Messenger only has stickers from its own catalog, and this sticker is not one of them");
        return api.send(chat, { stickerId: sticker.id, ...reply }, otid);
      }
      const limit = messengerCapabilities.media[body.media];
      if (limit !== undefined && body.file.data.length > limit) throw new NetworkError("too_large", `Messenger takes attachments up to ${limit} bytes; this one has ${body.file.data.length}`);
      const mime = realMimeType(body.file);
      const uploaded = await api.upload({ kind: attachmentKind(body, mime), mime, data: body.file.data, ...(body.file.fileName ? { filename: body.file.fileName } : {}) });
      const caption = body.caption ? await toThreadText(api, chat, body.caption) : undefined;
      return api.send(chat, { attachmentIds: [uploaded.id], ...(caption && caption.text !== "" ? { text: caption.text, mentions: caption.mentions } : {}), ...reply }, otid);
    }
  }
}
