/**
 * What a message holds, independent of any network: formatted text, a file with an optional
 * caption, a location or a contact card. Connectors convert to and from their own wire shapes;
 * the Matrix side converts to and from Matrix event content.
 */
import type { FormattedText } from "./formatted-text.js";
import type { RemoteMessageId, RemoteUserId } from "./ids.js";

/** `voice` is a recorded voice note (MSC3245 on Matrix, `ptt` on WhatsApp), not any audio file. */
export const MEDIA_KINDS = ["image", "video", "audio", "voice", "file", "sticker"] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** What is known about a file besides its bytes. */
export interface FileInfo {
  mimeType: string;
  /** Bytes, when the sender declared it. */
  size?: number;
  fileName?: string;
  width?: number;
  height?: number;
  durationMs?: number;
  /** Voice notes: amplitude samples 0–1024 as MSC3245 has them. */
  waveform?: number[];
}

/** A file that arrived from a network: fetched only when the bridge decides to bridge it. */
export interface IncomingFile extends FileInfo {
  /** Downloads (and decrypts, where the network encrypts) the file. */
  download(): Promise<Buffer>;
}

/** A file going to a network: already downloaded from the homeserver. */
export interface OutgoingFile extends FileInfo {
  data: Buffer;
}

export type MessageBody<F> =
  | { kind: "text"; text: FormattedText }
  | { kind: "media"; media: MediaKind; file: F; caption?: FormattedText }
  | { kind: "location"; latitude: number; longitude: number; name?: string; address?: string }
  | { kind: "contact"; displayName: string; vcard: string };

export type IncomingBody = MessageBody<IncomingFile>;
export type OutgoingBody = MessageBody<OutgoingFile>;

/** The message a reply points at. The sender is needed by networks that quote by participant. */
export interface ReplyTarget {
  id: RemoteMessageId;
  sender?: RemoteUserId;
}

export interface OutgoingMessage {
  body: OutgoingBody;
  replyTo?: ReplyTarget;
}
