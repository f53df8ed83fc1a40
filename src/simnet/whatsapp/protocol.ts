/**
 * The WhatsApp simulation's wire protocol, shared by the server and the client library the way a
 * protocol spec is: identifiers, limits, the JSON shapes of requests, answers and stanzas. The
 * client imports only this file (and interop-protocol.ts, for third-party chats) from the server
 * side; what travels inside the end-to-end encrypted payloads is the client's business
 * (client/content.ts) and the server never sees it.
 */
import type { ThirdPartyMark } from "./interop-protocol.js";

export const SERVER = "s.whatsapp.net";
export const GROUP_SERVER = "g.us";
/** Real group ids start like this (a creation timestamp prefix), followed by more digits. */
export const GROUP_PREFIX = "120363";
export const REALTIME_PATH = "/ws/chat";

const USER_JID = /^([1-9]\d{7,14})@s\.whatsapp\.net$/;
const DEVICE_JID = /^([1-9]\d{7,14})(?::(\d{1,3}))?@s\.whatsapp\.net$/;
const GROUP_JID = /^120363\d{6,18}@g\.us$/;
/** Client-chosen message ids: upper-case hex, as WhatsApp clients make them (`3EB0…`). */
export const MESSAGE_ID = /^[0-9A-F]{16,48}$/;

/** `+1 555-123-4567`, `15551234567` → `15551234567`; undefined if it is no E.164 number. */
export function normalizePhone(input: string): string | undefined {
  const digits = input.replace(/[\s\-().]/g, "").replace(/^\+/, "");
  return /^[1-9]\d{7,14}$/.test(digits) ? digits : undefined;
}

export const userJid = (phone: string) => `${phone}@${SERVER}`;
export const deviceJid = (phone: string, device: number) => (device === 0 ? `${phone}@${SERVER}` : `${phone}:${device}@${SERVER}`);

export function isUserJid(jid: string): boolean {
  return USER_JID.test(jid);
}

export function isGroupJid(jid: string): boolean {
  return GROUP_JID.test(jid);
}

/** The user and device number of a device JID (a bare user JID is device 0, the phone). */
export function parseDeviceJid(jid: string): { user: string; phone: string; device: number } | undefined {
  const match = DEVICE_JID.exec(jid);
  if (!match) return undefined;
  const phone = match[1] as string;
  const device = Number(match[2] ?? 0);
  return { user: userJid(phone), phone, device };
}

export const phoneOf = (jid: string) => jid.split(/[:@]/)[0] ?? "";

/**
 * A direct chat has no id of its own on WhatsApp (each side calls it by the other's JID); the
 * server keys its messages by the two JIDs in sorted order, which the admin API shows.
 */
export function directChatKey(a: string, b: string): string {
  return a < b ? `${a},${b}` : `${b},${a}`;
}

/** Characters of a pairing code: no 0/O, 1/I confusion, as on WhatsApp. */
export const PAIRING_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTVWXYZ";
export const formatPairingCode = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;
export const normalizePairingCode = (input: string) => input.replace(/[\s-]/g, "").toUpperCase();

const KB = 1024;
const MB = 1024 * KB;

export type MediaKind = "image" | "video" | "audio" | "ptt" | "document" | "sticker";
export const MEDIA_KINDS: readonly MediaKind[] = ["image", "video", "audio", "ptt", "document", "sticker"];

/** Largest plaintext file per kind; the upload (ciphertext) may exceed it by CIPHER_OVERHEAD. */
export const DEFAULT_MEDIA_LIMITS: Record<MediaKind, number> = {
  image: 16 * MB,
  video: 64 * MB,
  audio: 16 * MB,
  ptt: 16 * MB,
  document: 100 * MB,
  sticker: 500 * KB,
};

/** Nonce (12) and tag (16) that AES-256-GCM adds to a file or a payload. */
export const CIPHER_OVERHEAD = 28;

export const LIMITS = {
  /** Characters of a text message or caption; the client checks this exactly. */
  maxTextChars: 65_536,
  /**
   * The server sees ciphertext only, so it checks text size approximately: the largest
   * per-device payload is what 65,536 four-byte characters plus the rest of a message need.
   */
  maxPayloadBytes: 65_536 * 4 + 16 * KB,
  editWindowMs: 15 * 60_000,
  revokeWindowMs: 48 * 3_600_000,
  maxCompanions: 4,
  maxGroupSize: 1024,
  maxSubjectChars: 100,
  maxDescriptionChars: 2048,
  maxPushNameChars: 25,
  maxAboutChars: 139,
  pairingCodeTtlMs: 3 * 60_000,
  smsCodeTtlMs: 10 * 60_000,
  smsCodeAttempts: 5,
  maxReceiptIds: 256,
  /** Messages a history page holds at the most. */
  maxHistoryPage: 200,
  /** How long a companion's wait for the phone's approval is held open at the most. */
  maxPairingWaitMs: 30_000,
} as const;

export interface RateLimits {
  /** Envelopes (messages, edits, deletes, reactions) per account (or third-party identity) per minute. */
  sendsPerMinute: number;
  /** SMS and pairing codes per phone number per hour. */
  codeRequestsPerHour: number;
  /** Lookups by phone number per third-party provider per minute. */
  interopLookupsPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { sendsPerMinute: 120, codeRequestsPerHour: 10, interopLookupsPerMinute: 300 };

/** The error body of every refused request and every error stanza. */
export interface WaErrorBody {
  error: { code: number; text: string; message: string; [detail: string]: unknown };
}

export type EnvelopeKind = "message" | "edit" | "revoke" | "reaction";

/** What a device sends: routing metadata in the clear, the content once per device, encrypted. */
export interface OutgoingEnvelope {
  id: string;
  /** A user JID (direct chat) or a group JID. */
  to: string;
  kind: EnvelopeKind;
  /** The message an edit, revoke or reaction is about. */
  target?: string;
  /** On a reaction: true when it removes the sender's reaction (empty emoji). */
  reaction_removed?: boolean;
  /** Device JID → base64(nonce ‖ ciphertext ‖ tag), for every device of the chat, own included. */
  copies: Record<string, string>;
}

export interface SendAck {
  id: string;
  chat: string;
  kind: EnvelopeKind;
  /** Server timestamp, epoch milliseconds. */
  t: number;
}

export interface DeviceInfo {
  jid: string;
  device: number;
  /** base64 of the raw 32-byte X25519 public key. */
  public_key: string;
}

/** Who sent an envelope where and when, as one device sees it. */
export interface RoutedEnvelope {
  id: string;
  /** The chat as this device's user calls it: the other user's JID, or the group JID. */
  chat: string;
  from: string;
  from_device: string;
  from_me: boolean;
  /** Server time, epoch milliseconds. */
  t: number;
}

/** A stored envelope as one device receives it. */
export interface MessageStanza extends RoutedEnvelope {
  type: "message";
  seq: number;
  kind: EnvelopeKind;
  target?: string;
  reaction_removed?: boolean;
  ciphertext: string;
  /** Set when the sender is a third-party identity (someone from another network). */
  third_party?: ThirdPartyMark;
}

/** A message in a device's history: its copy, the latest edit's copy, or how it was deleted. */
export interface HistoryEntry extends RoutedEnvelope {
  ciphertext: string | null;
  edited_at: number | null;
  edit: { id: string; ciphertext: string | null } | null;
  revoked: { at: number; by: string } | null;
}

/** What the admin API shows of a stored envelope: metadata and sizes, never content. */
export interface StoredEnvelopeInfo {
  id: string;
  sender: string;
  sender_device: number;
  kind: EnvelopeKind;
  target: string | null;
  t: number;
  payload_bytes: number;
  revoked_at: number | null;
  revoked_by: string | null;
  edited_at: number | null;
}

export type ReceiptKind = "delivered" | "read" | "played";

export interface ReceiptStanza {
  type: "receipt";
  seq: number;
  kind: ReceiptKind;
  chat: string;
  /** Who received, read or played the messages. */
  from: string;
  from_me: boolean;
  ids: string[];
  t: number;
  /** Set when the reader is a third-party identity. */
  third_party?: ThirdPartyMark;
}

export type GroupAction =
  | "create"
  | "add"
  | "remove"
  | "leave"
  | "promote"
  | "demote"
  | "subject"
  | "description"
  | "picture"
  | "announce"
  | "restrict";

export interface NotificationStanza {
  type: "notification";
  seq: number;
  kind: "group" | "devices" | "pairing_request" | "settings";
  t: number;
  [field: string]: unknown;
}

export interface ResyncStanza {
  type: "resync";
  /** The position the device asked to resume after. */
  after: number;
  first_retained: number;
  latest: number;
}

export type ChatState = "composing" | "recording" | "paused";

export interface ChatStateStanza {
  type: "chatstate";
  chat: string;
  from: string;
  state: ChatState;
  third_party?: ThirdPartyMark;
}

export interface PresenceStanza {
  type: "presence";
  from: string;
  state: "available" | "unavailable";
  /** Epoch milliseconds; set when unavailable and the user has been seen. */
  last_seen?: number;
}

export type StoredStanza = MessageStanza | ReceiptStanza | NotificationStanza;

export interface GroupInfo {
  jid: string;
  subject: string;
  description: string;
  picture: string | null;
  creator: string;
  created_at: number;
  announce: boolean;
  restrict: boolean;
  participants: { jid: string; role: "superadmin" | "admin" | "member" }[];
}

export interface ChatSummary {
  jid: string;
  kind: "direct" | "group";
  title: string;
  members: string[];
  /** Third-party chats: the members from other networks, with their names and badges. */
  third_party?: (ThirdPartyMark & { jid: string })[];
}

export interface AccountInfo {
  jid: string;
  phone: string;
  push_name: string;
  about: string;
  avatar: string | null;
  registered: boolean;
  third_party_chats: boolean;
  discoverable_by_phone: boolean;
  created_at: number;
}
