/**
 * The Messenger-like protocol as a spec both sides share: wire objects, realtime frames, deltas,
 * limits and error codes. The server enforces what is written here and the client library reads
 * it; nothing else of the server is visible to clients.
 */

/** Where a client opens the realtime delta stream (REST is for actions). */
export const REALTIME_PATH = "/chat";

export const LIMITS = {
  /** UTF-16 code units, as JavaScript counts them. */
  maxTextLength: 20_000,
  maxMentions: 50,
  editWindowMs: 15 * 60_000,
  maxEdits: 5,
  maxAttachmentsPerMessage: 10,
  defaultMaxAttachmentBytes: 25 * 1024 * 1024,
  maxGroupNameLength: 100,
  /** Everyone in the group, the creator included. */
  minGroupParticipants: 3,
  maxGroupParticipants: 250,
  maxDeviceNameLength: 100,
  maxFilenameLength: 255,
  defaultSendsPerMinute: 60,
  /** Wrong passwords or codes per account before login is throttled... */
  loginFailures: 5,
  /** ...within this window (a token bucket: one attempt comes back every window / failures). */
  loginFailureWindowMs: 15 * 60_000,
  twoFactorCodeDigits: 6,
  loginTokenTtlMs: 5 * 60_000,
  /** A realtime socket that has not sent `connect` by then is closed. */
  connectTimeoutMs: 10_000,
  defaultPageSize: 20,
  maxPageSize: 100,
  /** Third-party contacts a search answers at most. */
  maxContactResults: 50,
  maxProviderNameLength: 100,
  /** A provider's own id for a person (see docs/simnet/interop.md). */
  maxIdentityIdLength: 128,
  maxIdentityNameLength: 100,
  maxIdentityHandleLength: 100,
  /** A provider's send idempotency key. */
  maxSendKeyLength: 128,
} as const;

/** Close codes of the realtime socket; 1000-range codes keep their WebSocket meaning. */
export const CLOSE_CODES = {
  resyncRequired: 4000,
  unauthorized: 4001,
  sessionRevoked: 4002,
  connectTimeout: 4003,
} as const;

/** Stable error codes (the `code` of an error body or error frame). */
export const ERROR_CODES = {
  invalidArgument: "invalid_argument",
  unauthorized: "unauthorized",
  invalidCredentials: "invalid_credentials",
  twoFactorRequired: "two_factor_required",
  invalidTwoFactorCode: "invalid_two_factor_code",
  loginTokenExpired: "login_token_expired",
  loginThrottled: "login_throttled",
  rateLimited: "rate_limited",
  emailTaken: "email_taken",
  userNotFound: "user_not_found",
  threadNotFound: "thread_not_found",
  messageNotFound: "message_not_found",
  sessionNotFound: "session_not_found",
  notParticipant: "not_participant",
  notGroup: "not_a_group",
  notAdmin: "not_admin",
  notSender: "not_sender",
  cannotMessageSelf: "cannot_message_self",
  textTooLong: "text_too_long",
  emptyMessage: "empty_message",
  invalidMention: "invalid_mention",
  replyNotFound: "reply_not_found",
  unknownSticker: "unknown_sticker",
  attachmentNotFound: "attachment_not_found",
  attachmentKindMismatch: "attachment_kind_mismatch",
  mediaTooLarge: "media_too_large",
  invalidEmoji: "invalid_emoji",
  editWindowExpired: "edit_window_expired",
  editLimitReached: "edit_limit_reached",
  notEditable: "not_editable",
  messageUnsent: "message_unsent",
  groupFull: "group_full",
  alreadyParticipant: "already_participant",
  lastAdmin: "last_admin",
  resyncRequired: "resync_required",
  sessionRevoked: "session_revoked",
  unknownFrame: "unknown_frame",
  notConnected: "not_connected",
  alreadyConnected: "already_connected",
  notOptedIn: "not_opted_in",
  identityNotFound: "identity_not_found",
  providerNotFound: "provider_not_found",
  handleTaken: "handle_taken",
  providerRevoked: "provider_revoked",
} as const;

export type AttachmentKind = "image" | "video" | "audio" | "file";
export const ATTACHMENT_KINDS: readonly AttachmentKind[] = ["image", "video", "audio", "file"];

export interface WireUser {
  id: string;
  name: string;
  avatar_attachment_id: string | null;
}

export interface WireAccount extends WireUser {
  email: string;
  two_factor_enabled: boolean;
  created_at: number;
}

/** A mention: `length` UTF-16 units of the text from `offset` name `user_id`. */
export interface WireMention {
  offset: number;
  length: number;
  user_id: string;
}

export interface WireAttachment {
  id: string;
  kind: AttachmentKind;
  mime: string;
  size: number;
  filename: string | null;
}

export interface WireReaction {
  user_id: string;
  emoji: string;
  timestamp: number;
}

export interface WireMessage {
  id: string;
  /** As the reader sees it: the other person's id in a direct thread, the group id otherwise. */
  thread_id: string;
  sender_id: string;
  /** Server time of the send, epoch milliseconds. */
  timestamp: number;
  offline_threading_id: string | null;
  /** Null for stickers, attachments without a caption, and unsent messages. */
  text: string | null;
  mentions: WireMention[];
  reply_to: string | null;
  sticker_id: string | null;
  attachments: WireAttachment[];
  reactions: WireReaction[];
  edit_count: number;
  edited_at: number | null;
  /** An unsent message is a tombstone: its content is gone, its id and place stay. */
  unsent: boolean;
}

export type ThreadKind = "direct" | "group";

/** Badges a third-party contact can carry: the network the person really uses. */
export const THIRD_PARTY_NETWORKS = ["whatsapp", "messenger", "instagram", "matrix"] as const;
export type ThirdPartyNetwork = (typeof THIRD_PARTY_NETWORKS)[number];

/**
 * Someone from another network, reached through a provider: shown next to their name, as the
 * app marks third-party contacts. Their Messenger id (`contact_id`) is a numeric id of its own.
 */
export interface WireThirdParty {
  contact_id: string;
  provider_id: string;
  provider_name: string;
  /** The provider's own id for this person. */
  identity_id: string;
  name: string;
  network: ThirdPartyNetwork;
  handle: string;
}

export interface WireParticipant {
  id: string;
  name: string;
  is_admin: boolean;
  /** Everything sent up to this time (epoch ms) has been read by this participant; 0 if nothing. */
  read_watermark: number;
  /** Present when this participant is a third-party contact (someone from another network). */
  third_party?: WireThirdParty;
}

export interface WireThread {
  id: string;
  kind: ThreadKind;
  name: string | null;
  image_attachment_id: string | null;
  /** Groups only: renaming and changing the image is for admins. */
  admin_only_edits: boolean;
  participants: WireParticipant[];
  created_at: number;
  last_activity: number;
  /** Present on third-party chats: the provider that bridges them. */
  third_party_provider?: { id: string; name: string };
}

export interface WireSticker {
  id: string;
  pack_id: string;
  label: string;
  emoji: string;
  /** A data: URI of the sticker's image. */
  image_uri: string;
}

export interface WireStickerPack {
  id: string;
  name: string;
}

export interface WireSession {
  session_id: string;
  device_name: string;
  created_at: number;
  current: boolean;
}

export interface LoginSuccess {
  access_token: string;
  session_id: string;
  account_id: string;
}

/** The details of the `two_factor_required` error a password login answers when 2FA is on. */
export interface TwoFactorChallenge {
  login_token: string;
  expires_at: number;
  code_length: number;
}

export interface SendResult {
  message_id: string;
  thread_id: string;
  timestamp: number;
  offline_threading_id: string;
}

export interface Snapshot {
  /** Resume the delta stream after this position. */
  seq: number;
  threads: { thread: WireThread; messages: WireMessage[] }[];
}

interface DeltaBase {
  thread_id: string;
  /** Who did it. */
  actor_id: string;
  /** The stream's own account did it (from this session or another one). */
  own: boolean;
  /** Present when the actor is a third-party contact. */
  actor_third_party?: WireThirdParty;
}

export type MessengerDelta = DeltaBase &
  (
    | { type: "new_message"; message: WireMessage }
    | { type: "message_edited"; message_id: string; text: string; mentions: WireMention[]; edit_count: number; edited_at: number }
    | { type: "message_unsent"; message_id: string; unsent_at: number }
    /** `emoji` null: the actor removed their reaction. */
    | { type: "reaction"; message_id: string; emoji: string | null }
    | { type: "read_receipt"; watermark_timestamp: number }
    | { type: "thread_created"; thread: WireThread }
    | { type: "thread_name"; name: string | null }
    | { type: "thread_image"; image_attachment_id: string | null }
    | { type: "thread_settings"; admin_only_edits: boolean }
    | { type: "participants_added"; user_ids: string[]; thread: WireThread }
    /** The actor removed `user_id`, or left when they are the same. */
    | { type: "participant_removed"; user_id: string }
    | { type: "admin_changed"; user_id: string; is_admin: boolean }
  );

export type DeltaType = MessengerDelta["type"];

/** Frames a client sends on the realtime socket. */
export type ClientFrame =
  /**
   * First frame: authenticates a user session (`access_token`) or a third-party provider
   * (`provider_token`); without `last_seq` the server resumes from the last acknowledged position.
   */
  | { type: "connect"; access_token: string; last_seq?: number }
  | { type: "connect"; provider_token: string; last_seq?: number }
  /** Everything up to `seq` is processed. */
  | { type: "ack"; seq: number }
  | { type: "ping"; id?: string };

/** Frames the server sends on a realtime socket whose stream carries `D`. */
export type StreamFrame<D> =
  /** A user session names its session and account; a provider its provider id. */
  | ({ type: "connected"; resume_from: number; last_seq: number } & ({ session_id: string; account_id: string } | { provider_id: string }))
  | { type: "delta"; seq: number; timestamp: number; delta: D }
  /** Ephemeral: never stored, never replayed. `third_party` marks a third-party contact typing. */
  | { type: "typing"; thread_id: string; user_id: string; typing: boolean; third_party?: WireThirdParty }
  | { type: "pong"; id?: string }
  | ErrorFrame;

/** Frames the server sends to a user session. */
export type ServerFrame = StreamFrame<MessengerDelta>;

export interface ErrorFrame {
  type: "error";
  code: string;
  message: string;
  /** resync_required: the stream's latest position; fetch a snapshot, resume after its seq. */
  last_seq?: number;
  first_retained?: number;
  [detail: string]: unknown;
}

/** The body of every refused request. */
export interface ErrorBody {
  error: { code: string; message: string; type: string; status: number; fbtrace_id: string; [detail: string]: unknown };
}

// ---- The interoperability API (third-party providers); see docs/simnet/messenger.md ----

/**
 * A member of a third-party chat as a provider names it: a Messenger user by account id, or one
 * of the provider's own identities by the provider's id for it.
 */
export type WireInteropParticipant = { kind: "native"; id: string } | { kind: "third_party"; id: string };

export interface WireInteropMember {
  participant: WireInteropParticipant;
  name: string;
  is_admin: boolean;
}

/** A third-party chat as its provider sees it; `id` is the chat's storage key. */
export interface WireInteropChat {
  id: string;
  kind: ThreadKind;
  title: string | null;
  members: WireInteropMember[];
  creator: WireInteropParticipant;
  created_at: number;
}

export interface WireInteropMessage {
  id: string;
  sender: WireInteropParticipant;
  timestamp: number;
  text: string | null;
  reply_to: string | null;
  attachments: WireAttachment[];
  /** A sticker from the catalog, with its image, so the provider can show it. */
  sticker: WireSticker | null;
}

export interface WireIdentity {
  id: string;
  contact_id: string;
  name: string;
  network: ThirdPartyNetwork;
  handle: string;
}

export interface WireProvider {
  id: string;
  name: string;
  created_at: number;
  revoked_at: number | null;
}

/** What a provider's stream carries, in the order Messenger saw it. */
export type InteropDelta =
  | { type: "chat"; chat: WireInteropChat }
  | { type: "members"; chat_id: string; added: WireInteropParticipant[]; removed: WireInteropParticipant[]; by: WireInteropParticipant }
  | { type: "title"; chat_id: string; title: string | null; by: WireInteropParticipant }
  | { type: "message"; chat_id: string; message: WireInteropMessage }
  | { type: "edit"; chat_id: string; message_id: string; sender: WireInteropParticipant; text: string; edit_count: number; edited_at: number }
  /** `emoji` null: the sender removed their reaction. */
  | { type: "reaction"; chat_id: string; message_id: string; sender: WireInteropParticipant; emoji: string | null }
  | { type: "unsend"; chat_id: string; message_id: string; sender: WireInteropParticipant; unsent_at: number }
  /** `up_to`: the latest message at or before the reader's new watermark. */
  | { type: "read"; chat_id: string; reader: WireInteropParticipant; up_to: string; watermark_timestamp: number }
  /** The user turned third-party chats on (again); `name` is the one a lookup gives. */
  | { type: "opt_in"; user_id: string; name: string }
  /** The user turned third-party chats off: they left every third-party chat. */
  | { type: "opt_out"; user_id: string };

/** Frames the server sends to a provider. */
export type ProviderFrame = StreamFrame<InteropDelta>;

/** What a provider resumes from when its position is past retention: its chats now. */
export interface InteropSnapshot {
  seq: number;
  chats: WireInteropChat[];
}
