/**
 * Messages from the core as Instagram items. Text goes as text (a URL in it makes the server
 * turn it into a link item); a message that is exactly "❤️" goes as Instagram's own like item
 * (see incoming.ts); images and videos are uploaded and sent as media; any audio is a voice
 * message. Instagram has no captions in direct messages, so a caption follows as a text item of
 * its own, with a key derived from the message's. Files, stickers, locations and contact cards
 * cannot be sent.
 */
import { NetworkError, type OutgoingFile, type OutgoingMessage } from "../../network/index.js";
import { LIKE_EMOJI, LIMITS, type IgItem, type SendKind } from "../../simnet/instagram/protocol.js";
import type { InstagramClient } from "../../simnet/instagram/client/client.js";
import { clientContextFor } from "./ids.js";
import { WAVEFORM_SCALE } from "./incoming.js";
import { toInstagram } from "./text.js";

/** Sends one item, over the realtime socket when it is open, otherwise (or if it drops) over REST. */
export type SendItem = (kind: SendKind, threadId: string, clientContext: string, fields: Record<string, unknown>) => Promise<IgItem>;

/** Whether the text is the heart alone (with or without the emoji variation selector). */
export function isLike(text: string): boolean {
  const trimmed = text.trim();
  return trimmed === LIKE_EMOJI || trimmed === "❤";
}

/** Instagram's voice waveform: at most 600 samples in 0..1; the core's are 0..1024. */
export function voiceWaveform(file: OutgoingFile): number[] {
  const samples = (file.waveform ?? []).map((s) => Math.min(1, Math.max(0, s / WAVEFORM_SCALE)));
  if (samples.length === 0) return [0.5];
  if (samples.length <= LIMITS.waveformMaxSamples) return samples;
  const step = samples.length / LIMITS.waveformMaxSamples;
  return Array.from({ length: LIMITS.waveformMaxSamples }, (_, i) => samples[Math.floor(i * step)]!);
}

export function voiceDuration(file: OutgoingFile): number {
  const ms = Math.round(file.durationMs ?? 1000);
  return Math.min(LIMITS.voiceMaxDurationMs, Math.max(1, ms));
}

/** The item sent, and the caption's own item when a caption had to follow it. */
export interface SentItems {
  item: IgItem;
  caption?: IgItem;
}

export async function sendOutgoing(client: InstagramClient, sendItem: SendItem, threadId: string, message: OutgoingMessage, key: string): Promise<SentItems> {
  const reply = message.replyTo ? { replied_to_item_id: message.replyTo.id } : {};
  const context = clientContextFor(key);
  const body = message.body;
  switch (body.kind) {
    case "text": {
      const text = toInstagram(body.text);
      if (isLike(text)) return { item: await sendItem("like", threadId, context, reply) };
      return { item: await sendItem("text", threadId, context, { text, ...reply }) };
    }
    case "media": {
      const item = await sendMedia(client, sendItem, threadId, body.media, body.file, context, reply);
      const caption = body.caption ? toInstagram(body.caption).trim() : "";
      if (!caption) return { item };
      return { item, caption: await sendItem("text", threadId, clientContextFor(`${key}\ncaption`), { text: caption }) };
    }
    case "location":
      throw new NetworkError("unsupported", "Instagram direct messages cannot carry a location");
    case "contact":
      throw new NetworkError("unsupported", "Instagram direct messages cannot carry a contact card");
  }
}

async function sendMedia(
  client: InstagramClient,
  sendItem: SendItem,
  threadId: string,
  kind: string,
  file: OutgoingFile,
  context: string,
  reply: Record<string, unknown>,
): Promise<IgItem> {
  switch (kind) {
    case "image": {
      const upload = await client.upload("photo", file.data);
      return sendItem("configure_photo", threadId, context, { upload_id: upload.upload_id, ...reply });
    }
    case "video": {
      const upload = await client.upload("video", file.data);
      return sendItem("configure_video", threadId, context, { upload_id: upload.upload_id, ...reply });
    }
    case "voice":
    case "audio": {
      const upload = await client.upload("audio", file.data);
      return sendItem("share_voice", threadId, context, { upload_id: upload.upload_id, duration_ms: voiceDuration(file), waveform: voiceWaveform(file), ...reply });
    }
    default:
      throw new NetworkError("unsupported", `Instagram direct messages cannot carry a ${kind} (only photos, videos and voice messages)`);
  }
}
