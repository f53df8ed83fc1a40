/**
 * Files as the core sees them: message media (sealed with their own key, decrypted on
 * download), profile and group pictures (stored in the clear by the server), and voice-note
 * waveforms, which WhatsApp samples 0–100 and MSC3245 0–1024.
 */
import type { IncomingFile } from "../../network/index.js";
import type { WhatsappApi } from "../../simnet/whatsapp/client/api.js";
import type { WhatsappClient } from "../../simnet/whatsapp/client/client.js";
import type { MediaRef } from "../../simnet/whatsapp/client/content.js";
import { encryptFile } from "../../simnet/whatsapp/client/crypto.js";
import type { MediaKind as WaMediaKind } from "../../simnet/whatsapp/protocol.js";
import { mapErrors } from "./errors.js";

const WHATSAPP_WAVEFORM_MAX = 100;
const NEUTRAL_WAVEFORM_MAX = 1024;

function rescale(samples: readonly number[], from: number, to: number): number[] {
  return samples.map((sample) => (Number.isFinite(sample) ? Math.min(to, Math.max(0, Math.round((sample * to) / from))) : 0));
}

export const waveformFromWhatsapp = (samples: readonly number[]) => rescale(samples, WHATSAPP_WAVEFORM_MAX, NEUTRAL_WAVEFORM_MAX);
export const waveformToWhatsapp = (samples: readonly number[]) => rescale(samples, NEUTRAL_WAVEFORM_MAX, WHATSAPP_WAVEFORM_MAX);

export interface MediaDetails {
  width?: number;
  height?: number;
  seconds?: number;
  waveform?: number[];
}

/** A file a message points to; fetched and decrypted only when the core asks. */
export function messageFile(client: WhatsappClient, media: MediaRef, details: MediaDetails = {}): IncomingFile {
  return {
    mimeType: media.mime,
    size: media.size,
    ...(media.file_name !== undefined ? { fileName: media.file_name } : {}),
    ...(details.width !== undefined ? { width: details.width } : {}),
    ...(details.height !== undefined ? { height: details.height } : {}),
    ...(details.seconds !== undefined ? { durationMs: details.seconds * 1000 } : {}),
    ...(details.waveform !== undefined ? { waveform: waveformFromWhatsapp(details.waveform) } : {}),
    download: () => mapErrors(() => client.download(media)),
  };
}

/** A profile or group picture: the server keeps these unencrypted, as JPEG. */
export function pictureFile(api: WhatsappApi, mediaId: string): IncomingFile {
  return { mimeType: "image/jpeg", download: () => mapErrors(() => api.download(mediaId)) };
}

/**
 * Seals and uploads a file the way the client library does for the kinds it has helpers for;
 * the connector needs it for what those helpers cannot say (plain audio, mentions in captions).
 */
export async function uploadFile(client: WhatsappClient, kind: WaMediaKind, data: Buffer, mime: string, fileName?: string): Promise<MediaRef> {
  const sealed = encryptFile(data);
  const uploaded = await client.api.upload(kind, sealed.data);
  return {
    id: uploaded.id,
    kind,
    key: sealed.key,
    sha256: sealed.sha256,
    enc_sha256: sealed.encSha256,
    mime,
    size: data.length,
    ...(fileName !== undefined ? { file_name: fileName } : {}),
  };
}
