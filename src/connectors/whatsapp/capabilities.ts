/**
 * What WhatsApp allows, taken from the protocol's own limits so the two cannot drift apart.
 * The neutral media kinds map onto WhatsApp's: a voice note is `ptt` audio, a file a document.
 */
import type { Capabilities, MediaKind } from "../../network/index.js";
import { DEFAULT_MEDIA_LIMITS, LIMITS, type MediaKind as WaMediaKind } from "../../simnet/whatsapp/protocol.js";

/** The upload kind WhatsApp uses for each neutral media kind. */
export const WIRE_MEDIA_KIND: Record<MediaKind, WaMediaKind> = {
  image: "image",
  video: "video",
  audio: "audio",
  voice: "ptt",
  file: "document",
  sticker: "sticker",
};

export const whatsappCapabilities: Capabilities = {
  maxTextLength: LIMITS.maxTextChars,
  formatting: ["bold", "italic", "strikethrough", "code", "pre", "blockquote", "mention"],
  replies: true,
  // Edits are limited in time only; WhatsApp counts no edits.
  edits: { windowMs: LIMITS.editWindowMs },
  deletes: { windowMs: LIMITS.revokeWindowMs, adminsDeleteOthers: true },
  reactions: { perUser: 1 },
  media: {
    image: DEFAULT_MEDIA_LIMITS[WIRE_MEDIA_KIND.image],
    video: DEFAULT_MEDIA_LIMITS[WIRE_MEDIA_KIND.video],
    audio: DEFAULT_MEDIA_LIMITS[WIRE_MEDIA_KIND.audio],
    voice: DEFAULT_MEDIA_LIMITS[WIRE_MEDIA_KIND.voice],
    file: DEFAULT_MEDIA_LIMITS[WIRE_MEDIA_KIND.file],
    sticker: DEFAULT_MEDIA_LIMITS[WIRE_MEDIA_KIND.sticker],
  },
  locations: true,
  contacts: true,
  typing: true,
  receipts: "per-message",
  presence: true,
  groups: { rename: true, topic: true, avatar: true, membership: true, admins: true },
};
