/**
 * THE CONNECTOR CONTRACT: what a network connector provides to the core and what it may expect.
 * Connectors (src/connectors/<network>/) import only this folder, never the core or the Matrix
 * side, so every network plugs into the same bridge. The rules:
 *
 * Identity
 * - Every id is the network's own stable id (see ids.ts). A connector never hands the core a
 *   changeable name as an id: Instagram usernames and WhatsApp push names go in `name` fields.
 *
 * Receiving (network -> core)
 * - The connector calls `sink.handle(event)` for each event, one at a time per logged-in account,
 *   in the order the network delivered them, and waits for the returned promise.
 * - It acknowledges an event to the network ONLY after that promise resolves. Resolving means
 *   the event is in Matrix and in the message map, or was deliberately skipped (bad input,
 *   logged). If the promise rejects (the homeserver is down, the bridge is stopping), the
 *   connector does not acknowledge, stops handing over events, and lets the network redeliver
 *   them after reconnecting. Redelivered and duplicated events are expected: the core
 *   recognises them by id.
 * - Malformed input from the network (a frame it cannot parse, a message it cannot decrypt) is
 *   logged by the connector and skipped; it never throws out of the connection.
 * - Connection changes are reported through `sink.connectionChanged`; a session revoked by the
 *   network (unlinked on the phone, password changed) through `sink.loggedOut`, after which
 *   the connector stops for good.
 * - Reconnecting is the connector's job: backoff with jitter, resuming from the last
 *   acknowledged position; past the network's retention it must resynchronise and say so.
 *
 * Sending (core -> network)
 * - Every sending method takes a `key`: derived by the core from the Matrix event, the same on
 *   every retry. The connector passes it to the network as the idempotency key (WhatsApp message
 *   id, Messenger offline threading id, Instagram client context), so a retry after a crash or
 *   a timeout never makes a second message.
 * - Methods throw `NetworkError` (errors.ts) with a code the core can act on; anything else is
 *   treated as transient and retried.
 * - The core calls one method at a time per chat, in Matrix order. Calls for different chats
 *   may run in parallel.
 *
 * Limits
 * - `capabilities` states the network's limits up front; the core checks them before calling,
 *   and the connector still enforces them (the network may change its mind).
 */
import type { Capabilities } from "./capabilities.js";
import type { IncomingFile, OutgoingMessage } from "./content.js";
import type { RemoteEvent, MessageEvent } from "./events.js";
import type { FormattedText } from "./formatted-text.js";
import type { ChatKind, NetworkId, RemoteChatId, RemoteMessageId, RemoteUserId } from "./ids.js";
import type { LoginFlow } from "./login.js";

export interface RemoteUser {
  id: RemoteUserId;
  /** The name to show: a push name, a full name, a username. */
  name: string;
  /** Extra identifiers for display where config allows, e.g. the phone number. */
  identifier?: string;
  avatar?: IncomingFile;
  /** Changes whenever the avatar does, so the core re-uploads only a new one. */
  avatarId?: string;
}

export type MemberRole = "owner" | "admin" | "member";

export interface ChatMember {
  id: RemoteUserId;
  role: MemberRole;
}

export interface ChatInfo {
  id: RemoteChatId;
  kind: ChatKind;
  /** Group name; for a direct chat, the other person's name. */
  name: string;
  topic?: string;
  avatar?: IncomingFile;
  avatarId?: string;
  /** Everyone in the chat, the logged-in account included. */
  members: ChatMember[];
  /** For a direct chat: the other person. */
  peer?: RemoteUser;
}

export interface SendResult {
  id: RemoteMessageId;
  /** Server time, epoch milliseconds. */
  timestamp: number;
  /**
   * Further messages the network needed for the same Matrix event (a caption sent as its own
   * item where captions do not exist). The core maps them to the same event, so their echoes
   * are recognised and a delete removes them too.
   */
  extraIds?: RemoteMessageId[];
}

export type ConnectionState = "connecting" | "connected" | "disconnected" | "logged-out";

/** What the core gives a connected account: where its events go. */
export interface RemoteEventSink {
  handle(event: RemoteEvent): Promise<void>;
  connectionChanged(state: ConnectionState, detail?: string): void;
  /** The network ended the session; the connector has stopped. */
  loggedOut(reason: string): void;
  /** The session data changed (a refreshed token): the core stores the new value. */
  sessionChanged(session: Record<string, unknown>): void;
}

/** One logged-in account, connected. Created by `NetworkConnector.connect`. */
export interface NetworkSession {
  readonly remoteUserId: RemoteUserId;
  readonly state: ConnectionState;

  /** Opens the realtime connection; resolves once connected (it keeps reconnecting after). */
  start(): Promise<void>;
  /** Closes the connection, finishing the event in progress; no further `handle` calls. */
  stop(): Promise<void>;
  /** Ends the session on the network too. */
  logout(): Promise<void>;

  // Looking things up
  getSelf(): Promise<RemoteUser>;
  getUser(id: RemoteUserId): Promise<RemoteUser>;
  /** Finds a person by what a user would type (a phone number, a username); undefined if none. */
  resolveUser(identifier: string): Promise<RemoteUser | undefined>;
  listChats(): Promise<ChatInfo[]>;
  getChat(id: RemoteChatId): Promise<ChatInfo>;
  /** The chat's id for a direct chat with `user` (it may not exist on the network yet). */
  directChatWith(user: RemoteUserId): RemoteChatId;
  /** Recent messages, oldest first, at most `limit`; edits already applied to their text. */
  history(chat: RemoteChatId, limit: number): Promise<MessageEvent[]>;

  // Sending; see the rules above about `key`.
  send(chat: RemoteChatId, message: OutgoingMessage, key: string): Promise<SendResult>;
  edit(chat: RemoteChatId, target: RemoteMessageId, text: FormattedText, key: string): Promise<SendResult>;
  react(chat: RemoteChatId, target: RemoteMessageId, emoji: string, key: string): Promise<void>;
  removeReaction(chat: RemoteChatId, target: RemoteMessageId, key: string): Promise<void>;
  delete(chat: RemoteChatId, target: RemoteMessageId, key: string): Promise<void>;
  markRead(chat: RemoteChatId, targets: RemoteMessageId[]): Promise<void>;
  setTyping(chat: RemoteChatId, typing: boolean): Promise<void>;

  // Groups (only where `capabilities.groups` says so)
  setChatName(chat: RemoteChatId, name: string): Promise<void>;
  setChatTopic(chat: RemoteChatId, topic: string): Promise<void>;
  setChatAvatar(chat: RemoteChatId, image: { data: Buffer; mimeType: string } | null): Promise<void>;
  addMembers(chat: RemoteChatId, users: RemoteUserId[]): Promise<void>;
  removeMembers(chat: RemoteChatId, users: RemoteUserId[]): Promise<void>;
  setAdmin(chat: RemoteChatId, user: RemoteUserId, admin: boolean): Promise<void>;
  leaveChat(chat: RemoteChatId): Promise<void>;
}

export interface ConnectorLogger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export interface NetworkConnector {
  readonly network: NetworkId;
  /** The network's name for people: "WhatsApp". */
  readonly displayName: string;
  readonly capabilities: Capabilities;
  /**
   * A short, stable form of a person's id for their Matrix user id (the phone number for
   * WhatsApp), unique on the network. The core escapes it into a localpart.
   */
  ghostId(user: RemoteUserId): string;
  /** A new login flow; `deviceName` is how the bridge's session is named on the network. */
  login(options: { deviceName: string }): LoginFlow;
  /** Acts as a stored login again. Does not connect until `start`. */
  connect(session: Record<string, unknown>, sink: RemoteEventSink, logger: ConnectorLogger): NetworkSession;
}
