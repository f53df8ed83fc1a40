/**
 * What Instagram allows, taken from the protocol's own limits so the two cannot drift apart.
 * Direct messages are plain text in which the server itself turns URLs into links, so `link`
 * is the only formatting that survives. Any audio goes as a voice message (Instagram has no
 * other way to send sound); files, stickers, locations and contact cards cannot be sent.
 */
import type { Capabilities } from "../../network/index.js";
import { DEFAULT_RATE_LIMITS } from "../../simnet/instagram/limits.js";
import { LIMITS } from "../../simnet/instagram/protocol.js";

export const instagramCapabilities: Capabilities = {
  maxTextLength: LIMITS.textMaxChars,
  formatting: ["link"],
  replies: true,
  // Edits are limited in time only; Instagram counts edits but never refuses one for the count.
  edits: { windowMs: LIMITS.editWindowMs },
  // Unsend works any time, but only on one's own items, admins included.
  deletes: { adminsDeleteOthers: false },
  reactions: { perUser: 1 },
  media: {
    image: LIMITS.photoMaxBytes,
    video: LIMITS.videoMaxBytes,
    voice: LIMITS.audioMaxBytes,
    audio: LIMITS.audioMaxBytes,
  },
  locations: false,
  contacts: false,
  typing: true,
  receipts: "watermark",
  presence: false,
  groups: { rename: true, topic: false, avatar: false, membership: true, admins: true },
  // Instagram's published per-account limits; networks.instagram.rate_limit can change them.
  pacing: { sendsPerMinute: DEFAULT_RATE_LIMITS.sendsPerMinute, actionsPerMinute: DEFAULT_RATE_LIMITS.actionsPerMinute },
};
