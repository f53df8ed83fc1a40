/**
 * The wire protocol of WhatsApp's interoperability API (third-party chats), shared by the server
 * and the client library as protocol.ts is: identifiers, limits and the JSON shapes a provider
 * and the app exchange with the server. The model is docs/simnet/interop.md; the wire details
 * are in docs/simnet/whatsapp.md.
 *
 * Names: a provider knows the network's users by an interop user id (`u` + 16 hex, one per
 * provider and user) and their devices as `<user id>:<device>`; it never sees a phone number or
 * a phone JID. The app knows a provider's device as `<provider id>@interop` and a third-party
 * identity as `t<16 hex>@interop`; a provider names its identities itself.
 */

export const INTEROP_SERVER = "interop";

const PROVIDER_DEVICE_JID = /^p[0-9a-f]{16}@interop$/;
const IDENTITY_JID = /^t[0-9a-f]{16}@interop$/;
const DIRECT_CHAT_ID = /^d[0-9a-f]{16}@interop$/;
const USER_DEVICE = /^(u[0-9a-f]{16}):(\d{1,3})$/;
/** What a provider may call a third-party identity (its own choice). */
export const THIRD_PARTY_ID = /^[A-Za-z0-9._:=-]{1,128}$/;

export const BADGES = ["whatsapp", "messenger", "instagram", "matrix"] as const;
export type Badge = (typeof BADGES)[number];

export const isProviderDeviceJid = (jid: string) => PROVIDER_DEVICE_JID.test(jid);
export const isIdentityJid = (jid: string) => IDENTITY_JID.test(jid);
export const isDirectChatId = (id: string) => DIRECT_CHAT_ID.test(id);

/** The one device a provider has: all its identities share its key. */
export const providerDeviceJid = (providerId: string) => `${providerId}@${INTEROP_SERVER}`;

/** A user's device as a provider names it. */
export const userDeviceName = (userId: string, device: number) => `${userId}:${device}`;

export function parseUserDeviceName(name: string): { userId: string; device: number } | undefined {
  const match = USER_DEVICE.exec(name);
  return match ? { userId: match[1] as string, device: Number(match[2]) } : undefined;
}

export const INTEROP_LIMITS = {
  /** Characters of a third-party identity's name, as the app shows it. */
  maxIdentityNameChars: 64,
  maxHandleChars: 64,
  /** Identities a search returns at the most. */
  maxSearchResults: 50,
} as const;

/** A user as a provider knows them: an interop id and the push name, never the number. */
export interface WireUser {
  id: string;
  name: string;
}

/** A member of a third-party chat as a provider sees it. */
export type WireParticipant = { kind: "native"; id: string } | { kind: "third_party"; id: string };

/** A third-party chat as a provider sees it. */
export interface WireChat {
  id: string;
  kind: "direct" | "group";
  title?: string;
  members: WireParticipant[];
  creator: WireParticipant;
}

/** How the app marks a sender from another network (on message, receipt and chat state stanzas). */
export interface ThirdPartyMark {
  provider: string;
  id: string;
  name: string;
  network: Badge;
}

/** A published third-party identity, as the app's search and the provider see it. */
export interface IdentityInfo extends ThirdPartyMark {
  /** How the app names them: chats, group participants, senders. */
  jid: string;
  handle: string;
}

export interface ProviderInfo {
  id: string;
  name: string;
  public_key: string;
  device_jid: string;
  created_at: number;
  revoked_at: number | null;
}

export interface InteropSettings {
  third_party_chats: boolean;
  discoverable_by_phone: boolean;
}

/** A stored envelope as a provider receives it. */
export interface ProviderMessageStanza {
  type: "message";
  seq: number;
  id: string;
  chat: string;
  from: WireParticipant;
  from_device: string;
  t: number;
  kind: "message" | "edit" | "revoke" | "reaction";
  target?: string;
  reaction_removed?: boolean;
  ciphertext: string;
}

/** Someone read messages of the provider's identities (or an identity read someone's). */
export interface ProviderReceiptStanza {
  type: "receipt";
  seq: number;
  kind: "read";
  chat: string;
  from: WireParticipant;
  ids: string[];
  /** The newest of `ids`. */
  up_to: string;
  t: number;
}

export type ProviderNotification =
  | { kind: "chat"; chat: WireChat }
  | { kind: "members"; chat: string; added: WireParticipant[]; removed: WireParticipant[]; by: WireParticipant }
  | { kind: "title"; chat: string; title: string; by: WireParticipant }
  /** `name`: the push name, as a lookup answers it. */
  | { kind: "opt_in"; user: string; name: string }
  | { kind: "opt_out"; user: string };

export type ProviderNotificationStanza = ProviderNotification & { type: "notification"; seq: number; t: number };

/** Live: never stored, never replayed. */
export interface ProviderChatStateStanza {
  type: "chatstate";
  chat: string;
  from: WireParticipant;
  state: "composing" | "recording" | "paused";
}
