/**
 * What Messenger allows, taken from the protocol's own limits so the two cannot drift apart.
 * Messenger renders no styling, only mentions; a voice note is plain audio there. Stickers come
 * only from its catalog: the core lets them through at attachment size, and outgoing.ts sends
 * the ones whose image is a catalog sticker (refusing the rest as unsupported).
 */
import type { Capabilities } from "../../network/index.js";
import { LIMITS } from "../../simnet/messenger/protocol.js";

export const messengerCapabilities: Capabilities = {
  maxTextLength: LIMITS.maxTextLength,
  formatting: ["mention"],
  replies: true,
  edits: { windowMs: LIMITS.editWindowMs, maxCount: LIMITS.maxEdits },
  // Unsend works any time, for the sender only.
  deletes: { adminsDeleteOthers: false },
  reactions: { perUser: 1 },
  media: {
    image: LIMITS.defaultMaxAttachmentBytes,
    video: LIMITS.defaultMaxAttachmentBytes,
    audio: LIMITS.defaultMaxAttachmentBytes,
    voice: LIMITS.defaultMaxAttachmentBytes,
    file: LIMITS.defaultMaxAttachmentBytes,
    sticker: LIMITS.defaultMaxAttachmentBytes,
  },
  locations: false,
  contacts: false,
  typing: true,
  receipts: "watermark",
  presence: false,
  // Group threads have no description.
  groups: { rename: true, topic: false, avatar: true, membership: true, admins: true },
};
