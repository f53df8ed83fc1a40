/**
 * The typed events a WhatsappClient emits: decrypted messages and what happens to them, receipts,
 * notifications, live chat states and presence, and the connection's own story.
 */
import type { ChatStateStanza, MessageStanza, NotificationStanza, PresenceStanza, ReceiptStanza } from "../protocol.js";
import type { MessageContent } from "./content.js";
import type { ThirdPartyMark } from "../interop-protocol.js";
import type { RealtimeStatus } from "./realtime.js";

export interface Routed {
  /** The envelope's id (for an edit or reaction, the id of that envelope, not of its target). */
  id: string;
  /** The chat as this user calls it: the other person's JID or the group JID. */
  chat: string;
  from: string;
  fromDevice: string;
  /** Sent by this user (from another of their devices). */
  fromMe: boolean;
  /** Server time, epoch milliseconds. */
  t: number;
  /** Set when the sender is a third-party contact (someone from another network, through a provider). */
  thirdParty?: ThirdPartyMark;
}

export interface IncomingMessage extends Routed {
  content: MessageContent;
}
export interface IncomingEdit extends Routed {
  target: string;
  text: string;
  mentions?: string[];
}
export interface IncomingReaction extends Routed {
  target: string;
  /** "" when the reaction was removed. */
  emoji: string;
}
export interface IncomingRevoke extends Routed {
  target: string;
}

export interface WhatsappEvents {
  message: IncomingMessage;
  edit: IncomingEdit;
  reaction: IncomingReaction;
  revoke: IncomingRevoke;
  receipt: ReceiptStanza;
  notification: NotificationStanza;
  chatstate: ChatStateStanza;
  presence: PresenceStanza;
  /** A stanza this device could not decrypt (unknown sender device, tampered ciphertext). */
  decrypt_error: { stanza: MessageStanza; error: Error };
  /** Connected, disconnected (and retrying), resync needed, or ended for good. */
  connection: RealtimeStatus;
}
