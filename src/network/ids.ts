/**
 * Identifiers shared by every connector. All of them are opaque strings chosen by the network;
 * the core never parses them, it only stores and compares them, always together with the
 * network they belong to.
 */
export const NETWORK_IDS = ["whatsapp", "messenger", "instagram"] as const;
export type NetworkId = (typeof NETWORK_IDS)[number];

/**
 * A person on a network, as the network identifies them for good: a WhatsApp user JID, a
 * Messenger account id, an Instagram numeric id (never the changeable username).
 */
export type RemoteUserId = string;

/**
 * A chat as seen by one logged-in account. Group ids are the same for every member; a direct
 * chat may be named differently by each side (on WhatsApp it is the other person's JID), which
 * is why the core keys direct portals by (chat id, receiver).
 */
export type RemoteChatId = string;

/** A message as the network identifies it, unique within its chat. */
export type RemoteMessageId = string;

export type ChatKind = "direct" | "group";
