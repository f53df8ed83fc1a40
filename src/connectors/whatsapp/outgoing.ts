/**
 * Messages from the core, sent as WhatsApp content under the id derived from the core's key.
 *
 * Media go through `sendMessage` with a file uploaded here (files.ts) rather than through the
 * client's `sendMedia` / `sendVoiceNote`: those cannot carry mentions in a caption, and the
 * client has no helper at all for audio that is not a voice note. WhatsApp audio has no
 * caption, so a caption on audio or a voice note follows as a text message of its own, under
 * an id derived from the same key (a retry resends neither twice).
 */
import { NetworkError, type ConnectorLogger, type OutgoingFile, type OutgoingMessage, type RemoteChatId, type ReplyTarget } from "../../network/index.js";
import type { WhatsappClient } from "../../simnet/whatsapp/client/client.js";
import type { MessageContent, Quote } from "../../simnet/whatsapp/client/content.js";
import type { SendAck } from "../../simnet/whatsapp/protocol.js";
import { whatsappCapabilities, WIRE_MEDIA_KIND } from "./capabilities.js";
import { uploadFile, waveformToWhatsapp } from "./files.js";
import { messageIdFor } from "./ids.js";
import { toWhatsapp, type WhatsappText } from "./markup.js";

type MediaBody = Extract<OutgoingMessage["body"], { kind: "media" }>;

const seconds = (durationMs: number | undefined) => (durationMs === undefined ? undefined : Math.round(durationMs / 1000));

/** WhatsApp quotes by participant: when the core does not know the sender, this device's copy does. */
async function quoteOf(client: WhatsappClient, chat: RemoteChatId, replyTo: ReplyTarget | undefined, logger: ConnectorLogger): Promise<Quote | undefined> {
  if (!replyTo) return undefined;
  if (replyTo.sender !== undefined) return { id: replyTo.id, participant: replyTo.sender };
  try {
    const original = await client.message(chat, replyTo.id);
    return { id: replyTo.id, participant: original.from };
  } catch (error) {
    logger.warn("sending without the reply: the quoted message is not in this device's history", { chat, quoted: replyTo.id, error: String(error) });
    return undefined;
  }
}

const withMentions = <T extends object>(content: T, text: WhatsappText | undefined): T => (text && text.mentions.length > 0 ? { ...content, mentions: text.mentions } : content);

function checkSize(body: MediaBody): void {
  const limit = whatsappCapabilities.media[body.media];
  if (limit !== undefined && body.file.data.length > limit) {
    throw new NetworkError("too_large", `WhatsApp takes ${body.media} files up to ${limit} bytes; this one has ${body.file.data.length}`);
  }
}

async function mediaContent(client: WhatsappClient, body: MediaBody, caption: WhatsappText | undefined): Promise<MessageContent> {
  const file: OutgoingFile = body.file;
  const kind = WIRE_MEDIA_KIND[body.media];
  const fileName = file.fileName ?? (body.media === "file" ? "file" : undefined);
  const media = await uploadFile(client, kind, file.data, file.mimeType, fileName);
  const duration = seconds(file.durationMs);
  if (body.media === "voice" || body.media === "audio") {
    return {
      type: "audio",
      ptt: body.media === "voice",
      media,
      ...(duration !== undefined ? { seconds: duration } : {}),
      ...(file.waveform !== undefined ? { waveform: waveformToWhatsapp(file.waveform) } : {}),
    };
  }
  return withMentions(
    {
      // What is left: image, video, sticker and document, which take a caption.
      type: kind as "image" | "video" | "document" | "sticker",
      media,
      ...(caption !== undefined && caption.text !== "" ? { caption: caption.text } : {}),
      ...(file.width !== undefined ? { width: file.width } : {}),
      ...(file.height !== undefined ? { height: file.height } : {}),
      ...(duration !== undefined ? { seconds: duration } : {}),
    },
    caption,
  );
}

export async function sendOutgoing(client: WhatsappClient, chat: RemoteChatId, message: OutgoingMessage, key: string, logger: ConnectorLogger): Promise<SendAck> {
  const id = messageIdFor(key);
  const quoted = await quoteOf(client, chat, message.replyTo, logger);
  const options = { id, ...(quoted ? { quoted } : {}) };
  const body = message.body;
  switch (body.kind) {
    case "text": {
      const text = toWhatsapp(body.text);
      // The mentions are exactly the entities: an @number typed as text stays text.
      return client.sendText(chat, text.text, { ...options, mentions: text.mentions });
    }
    case "location":
      return client.sendLocation(
        chat,
        {
          latitude: body.latitude,
          longitude: body.longitude,
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.address !== undefined ? { address: body.address } : {}),
        },
        options,
      );
    case "contact":
      return client.sendContact(chat, { displayName: body.displayName, vcard: body.vcard }, options);
    case "media": {
      checkSize(body);
      const caption = body.caption ? toWhatsapp(body.caption) : undefined;
      const ack = await client.sendMessage(chat, await mediaContent(client, body, caption), options);
      const separateCaption = (body.media === "voice" || body.media === "audio") && caption !== undefined && caption.text !== "";
      if (separateCaption) await client.sendMessage(chat, withMentions({ type: "text", text: caption.text }, caption), { id: messageIdFor(`${key}\ncaption`) });
      return ack;
    }
  }
}
