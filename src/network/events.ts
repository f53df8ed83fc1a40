/**
 * Everything a connector reports from its network, as one discriminated union. Each event is
 * seen through one logged-in account (the "receiver"): `chat` is that account's name for the
 * chat and `sender.isMe` says the account itself did it (from its phone or another session).
 */
import type { IncomingBody, IncomingFile, ReplyTarget } from "./content.js";
import type { FormattedText } from "./formatted-text.js";
import type { ChatKind, RemoteChatId, RemoteMessageId, RemoteUserId } from "./ids.js";

export interface ChatRef {
  id: RemoteChatId;
  kind: ChatKind;
}

export interface SenderRef {
  id: RemoteUserId;
  /** The logged-in account itself, acting from somewhere other than the bridge. */
  isMe: boolean;
}

interface Base {
  chat: ChatRef;
  sender: SenderRef;
  /** Server time of the event, epoch milliseconds. */
  timestamp: number;
}

export interface MessageEvent extends Base {
  type: "message";
  id: RemoteMessageId;
  body: IncomingBody;
  replyTo?: ReplyTarget;
}

/** A new version of a message's text (or caption). `id` is the edit's own id where the network has one. */
export interface EditEvent extends Base {
  type: "edit";
  id: RemoteMessageId;
  target: RemoteMessageId;
  text: FormattedText;
}

export interface ReactionEvent extends Base {
  type: "reaction";
  target: RemoteMessageId;
  /** The emoji (or key) that is now the sender's reaction, replacing any earlier one. */
  emoji: string;
}

export interface ReactionRemovedEvent extends Base {
  type: "reaction-removed";
  target: RemoteMessageId;
}

export interface DeleteEvent extends Base {
  type: "delete";
  target: RemoteMessageId;
}

export interface ReceiptEvent extends Base {
  type: "receipt";
  kind: "delivered" | "read" | "played";
  /** Messages covered; for watermark networks, the newest one read. */
  targets: RemoteMessageId[];
}

export interface TypingEvent extends Base {
  type: "typing";
  state: "typing" | "recording" | "stopped";
}

/** Presence is per person, not per chat: `chat` is the sender's direct chat with the receiver. */
export interface PresenceEvent extends Base {
  type: "presence";
  state: "online" | "offline";
  lastSeen?: number;
}

/** A chat's name, topic or picture changed; absent fields did not change, null clears. */
export interface ChatInfoEvent extends Base {
  type: "chat-info";
  name?: string;
  topic?: string | null;
  avatar?: IncomingFile | null;
}

export interface MembershipEvent extends Base {
  type: "membership";
  /** `join` and `leave` are the members' own doing; `add` and `remove` were done by `sender`. */
  action: "join" | "leave" | "add" | "remove";
  members: RemoteUserId[];
}

export interface AdminsEvent extends Base {
  type: "admins";
  promoted: RemoteUserId[];
  demoted: RemoteUserId[];
}

/** Someone's name or picture changed (the chat is where the connector saw it). */
export interface ProfileEvent extends Base {
  type: "profile";
  user: RemoteUserId;
  name?: string;
  avatar?: IncomingFile | null;
  /** Changes whenever the picture does (as RemoteUser.avatarId), so an unchanged one is not uploaded again. */
  avatarId?: string;
}

export type RemoteEvent =
  | MessageEvent
  | EditEvent
  | ReactionEvent
  | ReactionRemovedEvent
  | DeleteEvent
  | ReceiptEvent
  | TypingEvent
  | PresenceEvent
  | ChatInfoEvent
  | MembershipEvent
  | AdminsEvent
  | ProfileEvent;

export type RemoteEventType = RemoteEvent["type"];
