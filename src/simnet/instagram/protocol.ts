/**
 * The Instagram simulation's wire protocol, shared by the server and its client library: the
 * shapes of users, threads and items as Instagram's private `direct_v2` API returns them, the
 * realtime frames, the JSON-patch paths, the limits and the stable error codes. The client
 * imports this file and nothing else of the server.
 */
import type { IgThirdPartyBadge } from "./interop-protocol.js";

/** A user as Instagram renders one: a stable numeric `pk` and a username that may change. */
export interface IgUser {
  /** Set on third-party contacts (people from other networks, through a provider). */
  third_party?: IgThirdPartyBadge;
  pk: string;
  pk_id: string;
  username: string;
  full_name: string;
  /** Server-relative URL of the avatar upload, or null. */
  profile_pic_url: string | null;
  profile_pic_id: string | null;
  is_private: boolean;
  is_verified: boolean;
}

export type IgItemType = "text" | "link" | "like" | "media" | "voice_media" | "media_share" | "clip" | "reel_share" | "action_log";

export interface IgReaction {
  sender_id: string;
  emoji: string;
  /** Microseconds since the epoch, as Instagram sends timestamps. */
  timestamp: number;
}

export interface IgLinkContext {
  link_url: string;
  link_title: string;
  link_summary: string;
}

export interface IgUploadRef {
  id: string;
  url: string;
  mime: string;
  size: number;
}

/** A post, reel or story as it appears inside a shared item. */
export interface IgSharedMedia {
  id: string;
  code: string;
  /** 1 photo post, 2 reel (clip), 1 or 2 for a story. */
  media_type: number;
  product_type: "feed" | "clips" | "story";
  user: { pk: string; username: string };
  caption: { text: string } | null;
  image_url: string;
  taken_at: number;
  /** Stories only: seconds since the epoch when the story disappears. */
  expiring_at?: number;
}

export interface IgItem {
  item_id: string;
  user_id: string;
  /** Microseconds since the epoch. */
  timestamp: number;
  item_type: IgItemType;
  client_context?: string;
  is_sent_by_viewer?: boolean;
  text?: string;
  link?: { text: string; link_context: IgLinkContext };
  like?: string;
  media?: IgUploadRef & { media_type: 1 | 2 };
  voice_media?: { media: { id: string; media_type: 11; audio: { audio_src: string; duration: number; waveform_data: number[]; waveform_sampling_frequency_hz: number } } };
  media_share?: IgSharedMedia;
  clip?: { clip: IgSharedMedia };
  reel_share?: { text: string; type: "reply"; reel_owner_id: string; media: IgSharedMedia };
  action_log?: { description: string };
  replied_to_message?: { item_id: string; user_id?: string; item_type?: IgItemType; text?: string; is_unsent?: true };
  reactions?: { emojis: IgReaction[] };
  edit_count?: number;
  /** Set when the sender is a third-party contact. */
  third_party_sender?: IgThirdPartyBadge;
}

export interface IgSeen {
  item_id: string;
  timestamp: number;
}

export interface IgThread {
  thread_id: string;
  thread_v2_id: string;
  thread_type: "private" | "group";
  is_group: boolean;
  /** Groups: their title; direct threads: the other person's username. */
  thread_title: string;
  named: boolean;
  viewer_id: string;
  /** Everyone but the viewer. */
  users: IgUser[];
  admin_user_ids: string[];
  inviter: IgUser | null;
  last_activity_at: number;
  last_seen_at: Record<string, IgSeen>;
  items: IgItem[];
  has_older: boolean;
  oldest_cursor: string | null;
  newest_cursor: string | null;
}

export interface IgInbox {
  inbox: { threads: IgThread[]; has_older: boolean; oldest_cursor: string | null; unseen_count: number };
  /** The viewer's realtime position at the moment of this snapshot: connect with it. */
  seq_id: number;
  snapshot_at_ms: number;
  viewer: IgUser;
  status: "ok";
}

export interface IgPost extends IgSharedMedia {
  url: string;
}

export interface IgLoginAnswer {
  logged_in_user: IgUser;
  session_id: string;
  /** Also sent as the `ig-set-authorization` header, as Instagram does; use it as the bearer token. */
  authorization_token: string;
  status: "ok";
}

export interface IgChallenge {
  challenge_id: string;
  api_path: string;
  url: string;
  /** Where the code went, masked, as Instagram shows it. */
  contact_point: string;
}

/** A pending checkpoint code, as the admin API lists it. */
export interface IgPendingChallenge {
  challenge_id: string;
  pk: string;
  username: string;
  code: string;
  created_at: number;
  expires_at: number;
}

/** A thread as stored, as the admin API shows it. */
export interface IgThreadRecord {
  thread_id: string;
  kind: "direct" | "group";
  title: string | null;
  creator: string;
  created_at: number;
  last_activity_at: number;
}

export type PatchOp = "add" | "replace" | "remove";

export interface IgPatch {
  op: PatchOp;
  path: string;
  value: unknown;
}

/** What can be sent: the REST route `threads/broadcast/<kind>/` and the realtime `send_item` kind. */
export const SEND_KINDS = ["text", "like", "configure_photo", "configure_video", "share_voice", "media_share", "clip_share", "reel_share"] as const;
export type SendKind = (typeof SEND_KINDS)[number];

/** Client → server realtime frames. */
export type ClientFrame =
  /** `subscribe: false` connects for sending only, like an MQTT client that subscribes to nothing. */
  | { type: "connect"; token: string; seq_id?: number; subscribe?: boolean }
  | { type: "ack"; seq_id: number }
  /** The fields are those of the REST broadcast body of `kind`; `client_context` is required here. */
  | { type: "send_item"; kind: SendKind; thread_id: string; client_context: string; [field: string]: unknown }
  | { type: "activity"; thread_id: string; activity_status: 0 | 1 }
  | { type: "ping" };

/** Server → client realtime frames. */
export type ServerFrame =
  | { type: "connected"; seq_id: number | null; latest_seq_id: number; session_id: string }
  | { type: "item_ack"; client_context: string; payload: { item_id: string; thread_id: string; timestamp: string }; item: IgItem }
  | { type: "patch"; seq_id: number; timestamp: number; data: IgPatch[] }
  /** Ephemeral (typing): not part of the durable stream, so no seq_id. */
  | { type: "activity_indicator"; data: IgPatch[] }
  | { type: "resync_required"; message: string; error_type: "resync_required"; status: "fail"; seq_id: number; first_seq_id: number; latest_seq_id: number }
  /** `client_context` names the send_item refused; `status_code` is what REST would have answered. */
  | { type: "error"; message: string; error_type?: string; status: "fail"; status_code: number; client_context?: string; retry_after?: number }
  | { type: "pong" };

/** WebSocket close codes the server uses. */
export const CLOSE_LOGGED_OUT = 4401;
export const CLOSE_RESYNC = 4410;

export const REALTIME_PATH = "/realtime";

export { parsePatchPath, paths, type ParsedPath } from "./patch-paths.js";
export * from "./interop-protocol.js";
export const API = "/api/v1";
export const TOKEN_PREFIX = "IGT:2:";

export const LIMITS = {
  usernameMaxChars: 30,
  fullNameMaxChars: 30,
  passwordMinChars: 6,
  passwordMaxChars: 128,
  /** Username changes a user may make in `usernameChangeWindowMs`. */
  usernameChanges: 2,
  usernameChangeWindowMs: 14 * 24 * 3600_000,
  textMaxChars: 1000,
  captionMaxChars: 2200,
  groupTitleMaxChars: 100,
  groupMaxParticipants: 250,
  editWindowMs: 15 * 60_000,
  photoMaxBytes: 8 * 1024 * 1024,
  videoMaxBytes: 16 * 1024 * 1024,
  audioMaxBytes: 4 * 1024 * 1024,
  avatarMaxBytes: 1024 * 1024,
  voiceMaxDurationMs: 60_000,
  waveformMaxSamples: 600,
  waveformSamplingHz: 10,
  storyLifetimeMs: 24 * 3600_000,
  typingTtlMs: 12_000,
  inboxPageDefault: 20,
  inboxPageMax: 50,
  threadPageDefault: 20,
  threadPageMax: 100,
  challengeLifetimeMs: 10 * 60_000,
  challengeMaxAttempts: 5,
  maxFrameBytes: 16 * 1024,
} as const;

/** Instagram usernames: a-z 0-9 . _, no leading, trailing or doubled period, not digits only. */
export const USERNAME_PATTERN = /^(?!.*\.\.)(?!\.)(?!.*\.$)(?!\d+$)[a-z0-9._]{1,30}$/;

export const LIKE_EMOJI = "❤️";

/** Stable `error_type` codes (Instagram's where it has one). */
export const ERRORS = {
  loginRequired: "login_required",
  badPassword: "bad_password",
  invalidUser: "invalid_user",
  usernameTaken: "username_taken",
  checkpoint: "checkpoint_challenge_required",
  invalidCode: "invalid_security_code",
  challengeExpired: "challenge_expired",
  feedbackRequired: "feedback_required",
  loginRateLimit: "rate_limit_error",
  resyncRequired: "resync_required",
} as const;
