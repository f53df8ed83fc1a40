/**
 * The interoperability API every simulated network offers to third-party providers, as the
 * provider sees it: one face, the same on every network, over each network's own wire protocol
 * (docs/simnet/interop.md). It is modelled on the interoperability obligations large messengers
 * now have: a provider (crosschat) registers with the network; the network's users choose
 * whether to take part (off by default); people from other networks appear to them as
 * third-party contacts with a network badge; the network applies its own rules and limits to
 * those chats, and delivers nothing to anyone who has not opted in.
 *
 * Ids: a native user is known to the provider by an `InteropUserId` the network chooses for
 * that provider. It is stable, and it is never a phone number: a WhatsApp number reaches a
 * provider only as the lookup key a person typed, never in an id, a name or an event. A
 * third-party identity is named by the provider (`ThirdPartyId`, at most 128 characters of
 * `[A-Za-z0-9._:=-]`), and is shown to native users with its name and network badge.
 */
import type { SimnetNetworkId } from "../core/network.js";

export type InteropUserId = string;
export type ThirdPartyId = string;
export type InteropChatId = string;
export type InteropMessageId = string;

/** Where a third-party identity comes from, shown as a badge next to its name. */
export type InteropBadge = SimnetNetworkId | "matrix";

/** An opted-in user of this network, as the provider may see them. */
export interface InteropUser {
  id: InteropUserId;
  /** Push name, full name or username, as the network shows it to strangers. */
  name: string;
}

/** Someone from another network, published by the provider so this network's users can find them. */
export interface ThirdPartyIdentity {
  id: ThirdPartyId;
  name: string;
  network: InteropBadge;
  /** What a native user types to find them (e.g. "bob.insta"); unique per provider. */
  handle: string;
}

/** A participant in an interop chat: one of the network's own users, or a third-party identity. */
export type InteropParticipant = { kind: "native"; id: InteropUserId } | { kind: "third_party"; id: ThirdPartyId };

export interface InteropChat {
  id: InteropChatId;
  kind: "direct" | "group";
  title?: string;
  members: InteropParticipant[];
  /** Who made it: a native user (from their app) or a third-party identity (through the provider). */
  creator: InteropParticipant;
}

export interface InteropMedia {
  kind: "image" | "video" | "audio" | "file";
  mimeType: string;
  fileName?: string;
  /** Audio: its length, where the network needs one (an Instagram voice message does). */
  durationMs?: number;
  data: Buffer;
}

/** What the provider sends. */
export interface InteropMessageBody {
  text?: string;
  media?: InteropMedia;
  /** The message this one answers. */
  replyTo?: InteropMessageId;
}

/** What the provider receives: the file is fetched (and on WhatsApp decrypted) on demand. */
export interface InteropIncomingBody {
  text?: string;
  media?: Omit<InteropMedia, "data"> & { download(): Promise<Buffer> };
  replyTo?: InteropMessageId;
}

/** What happened in the provider's chats (and to its users), in the order the network saw it. */
export type InteropEvent =
  | { type: "chat"; chat: InteropChat }
  | { type: "members"; chat: InteropChatId; added: InteropParticipant[]; removed: InteropParticipant[]; by: InteropParticipant }
  | { type: "title"; chat: InteropChatId; title: string; by: InteropParticipant }
  | { type: "message"; chat: InteropChatId; id: InteropMessageId; sender: InteropParticipant; at: number; body: InteropIncomingBody }
  | { type: "edit"; chat: InteropChatId; id: InteropMessageId; sender: InteropParticipant; at: number; text: string }
  | { type: "reaction"; chat: InteropChatId; id: InteropMessageId; sender: InteropParticipant; at: number; emoji: string | null }
  | { type: "delete"; chat: InteropChatId; id: InteropMessageId; sender: InteropParticipant; at: number }
  | { type: "read"; chat: InteropChatId; upTo: InteropMessageId; reader: InteropParticipant; at: number }
  | { type: "typing"; chat: InteropChatId; who: InteropParticipant; typing: boolean }
  /** The user turned third-party chats on (again): a provider may now find them and put them in chats. */
  | { type: "opt_in"; user: InteropUser; at: number }
  /** The user turned third-party chats off: they left every interop chat, and nothing more flows to or from them. */
  | { type: "opt_out"; user: InteropUserId; at: number };

/** The provider's session with one network. Every call refuses what the network's rules refuse. */
export interface InteropProvider {
  readonly network: SimnetNetworkId;
  /**
   * An opted-in user by the handle the network uses: a phone number (only for users who allow
   * discovery by number), a Messenger account (email or id), an Instagram username. Undefined for
   * anyone else, whether they exist or not.
   */
  lookup(handle: string): Promise<InteropUser | undefined>;
  /**
   * Every user who has third-party chats on now, whether or not they may be looked up by their
   * handle: what a provider that starts late needs to catch up with `opt_in` events it missed.
   */
  optedIn(): Promise<InteropUser[]>;
  /** Publishes (or updates) a third-party identity; `remove` withdraws it from every chat. */
  publishIdentity(identity: ThirdPartyIdentity): Promise<void>;
  removeIdentity(id: ThirdPartyId): Promise<void>;
  /** Opens a chat as `creator` with opted-in native users and third-party identities. A direct chat with the same two people is found again. */
  createChat(spec: { kind: "direct" | "group"; title?: string; creator: ThirdPartyId; members: InteropParticipant[] }): Promise<InteropChat>;
  addMembers(chat: InteropChatId, as: ThirdPartyId, members: InteropParticipant[]): Promise<void>;
  removeMembers(chat: InteropChatId, as: ThirdPartyId, members: InteropParticipant[]): Promise<void>;
  /** `key` makes the send idempotent: the same key returns the first message. */
  send(chat: InteropChatId, as: ThirdPartyId, body: InteropMessageBody, key: string): Promise<{ id: InteropMessageId; at: number }>;
  edit(chat: InteropChatId, as: ThirdPartyId, message: InteropMessageId, text: string): Promise<void>;
  /** Null removes `as`'s reaction; one reaction per person, as on the network. */
  react(chat: InteropChatId, as: ThirdPartyId, message: InteropMessageId, emoji: string | null): Promise<void>;
  delete(chat: InteropChatId, as: ThirdPartyId, message: InteropMessageId): Promise<void>;
  markRead(chat: InteropChatId, as: ThirdPartyId, upTo: InteropMessageId): Promise<void>;
  typing(chat: InteropChatId, as: ThirdPartyId, typing: boolean): Promise<void>;
  /**
   * Streams the provider's events, acknowledging each once `onEvent` resolves; an event whose
   * handler rejects comes again after a reconnect. The network keeps what is not acknowledged, so
   * the stream resumes across dropped connections and provider restarts alike.
   */
  listen(onEvent: (event: InteropEvent) => Promise<void>): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** What a person does in their own app about third-party chats (the user side of the API). */
export interface InteropUserSide {
  /** The "third-party chats" setting (off by default); turning it off leaves every interop chat. */
  setThirdPartyChats(enabled: boolean, options?: { discoverableByPhone?: boolean }): Promise<void>;
  /** Third-party contacts the providers published, by handle or name. */
  searchThirdParty(query: string): Promise<(ThirdPartyIdentity & { provider: string })[]>;
  /** Starts a direct chat or group with third-party contacts (and, in a group, the network's own users). */
  startThirdPartyChat(spec: { kind: "direct" | "group"; title?: string; thirdParty: { provider: string; id: ThirdPartyId }[]; native?: string[] }): Promise<{ id: string }>;
}

/**
 * What a provider keeps to connect again: its id and token, and whatever else the network needs
 * (on WhatsApp, the private half of the provider's device key). JSON; secret.
 */
export interface InteropCredentials {
  providerId: string;
  token: string;
  [extra: string]: unknown;
}

/** How a provider connects to a network: registered through the admin API, then authenticated by its token. */
export interface InteropKit {
  network: SimnetNetworkId;
  /** Registers a provider; on WhatsApp it also makes and registers the provider's device key. */
  registerProvider(baseUrl: string, adminToken: string, name: string): Promise<InteropCredentials>;
  connect(baseUrl: string, credentials: InteropCredentials): Promise<InteropProvider>;
}
