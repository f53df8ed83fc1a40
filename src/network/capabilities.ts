/**
 * What a network can do, declared by its connector. The core checks Matrix events against it
 * before calling the connector, so a user learns at once (with one notice in the room) that an
 * edit is too late or a file too big, instead of the network's refusal arriving later.
 */
import type { MediaKind } from "./content.js";
import type { EntityType } from "./formatted-text.js";

export interface Capabilities {
  /** Longest text or caption, in UTF-16 code units. */
  maxTextLength: number;
  /** Entity types the network renders; others are sent as their plain text. */
  formatting: readonly EntityType[];
  replies: boolean;
  edits: {
    /** How long after sending a message may be edited; undefined means no edits at all. */
    windowMs?: number;
    /** How many times one message may be edited; undefined means no limit. */
    maxCount?: number;
  };
  deletes: {
    /** How long after sending a message may be deleted for everyone; undefined means any time. */
    windowMs?: number;
    /** Group admins may delete other people's messages. */
    adminsDeleteOthers: boolean;
  };
  reactions: {
    /** How many reactions one person may have on one message (1: a new one replaces the old). */
    perUser: number;
  };
  /** Largest file per kind, in bytes; a kind that is absent cannot be sent at all. */
  media: Partial<Record<MediaKind, number>>;
  locations: boolean;
  contacts: boolean;
  typing: boolean;
  /** `per-message`: each message is marked; `watermark`: everything up to a message is. */
  receipts: "per-message" | "watermark" | "none";
  presence: boolean;
  groups: {
    rename: boolean;
    topic: boolean;
    avatar: boolean;
    /** Adding and removing members. */
    membership: boolean;
    admins: boolean;
  };
  /**
   * Per-account limits the network enforces, which the bridge keeps to on its own: a network
   * that has to refuse (Instagram's "Try Again Later") may flag the account. Absent: no pacing.
   */
  pacing?: {
    /** Messages sent (text, media, likes). */
    sendsPerMinute: number;
    /** Reactions, edits, deletes and group changes. */
    actionsPerMinute: number;
  };
}
