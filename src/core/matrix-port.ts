/**
 * What the core needs from the homeserver, as an interface: the Matrix side implements it with
 * the appservice's intents (src/matrix/homeserver.ts), so the core never touches the library.
 * `as` is always the Matrix user to act as: the bot or a ghost.
 */
export interface CreateRoomOptions {
  name?: string;
  topic?: string;
  avatarMxc?: string;
  isDirect: boolean;
  invite: string[];
  /** Extra initial state events (m.bridge, power levels). */
  initialState: { type: string; state_key: string; content: Record<string, unknown> }[];
  powerLevels: Record<string, unknown>;
}

/** The content key on events the bridge sent as a real Matrix user (double puppeting). */
export const DOUBLE_PUPPET_MARK = "dev.crosschat.double_puppet";

export interface SendOptions {
  /** Same on every retry of the same logical send, so the homeserver stores one event. */
  txnId: string;
  /** The remote event's time (appservice timestamp massaging), epoch milliseconds. */
  ts?: number;
}

export interface MatrixPort {
  readonly botUserId: string;
  /**
   * Whether the bridge may act as this user: the bot and ghosts always; a real Matrix user only
   * with double puppeting on (and only on our own server).
   */
  canActAs(userId: string): boolean;
  /** The bot or a ghost: users in the bridge's own namespace, whose events are its echo. */
  isBridgeUser(userId: string): boolean;
  /** Creates the user if the homeserver does not know it yet. */
  ensureRegistered(userId: string): Promise<void>;
  setDisplayName(userId: string, name: string): Promise<void>;
  /** Anyone's display name, as the bot sees it; undefined if they have none. */
  getDisplayName(userId: string): Promise<string | undefined>;
  setAvatar(userId: string, mxc: string): Promise<void>;
  /** Creates a room as the bot. */
  createRoom(options: CreateRoomOptions): Promise<string>;
  invite(as: string, roomId: string, userId: string): Promise<void>;
  join(userId: string, roomId: string): Promise<void>;
  leave(userId: string, roomId: string, reason?: string): Promise<void>;
  kick(as: string, roomId: string, userId: string, reason?: string): Promise<void>;
  sendEvent(as: string, roomId: string, type: string, content: Record<string, unknown>, options: SendOptions): Promise<string>;
  sendState(as: string, roomId: string, type: string, stateKey: string, content: Record<string, unknown>): Promise<string>;
  getState(roomId: string, type: string, stateKey: string): Promise<Record<string, unknown> | undefined>;
  /** The users joined to a room, as `as` (a member) sees them. */
  joinedMembers(as: string, roomId: string): Promise<string[]>;
  /** An event as the bot sees it; undefined if the homeserver has none by that id. */
  getEvent(roomId: string, eventId: string): Promise<{ sender: string; type: string; content: Record<string, unknown> } | undefined>;
  redact(as: string, roomId: string, eventId: string, options: { txnId: string; reason?: string }): Promise<void>;
  setTyping(as: string, roomId: string, typing: boolean, timeoutMs?: number): Promise<void>;
  sendReadReceipt(as: string, roomId: string, eventId: string): Promise<void>;
  setPresence(as: string, presence: "online" | "offline" | "unavailable"): Promise<void>;
  upload(as: string, data: Buffer, mimeType: string, fileName?: string): Promise<string>;
  download(mxc: string): Promise<{ data: Buffer; mimeType: string }>;
}

/**
 * Whether a homeserver failure will not go away on retry (the homeserver refused the content or
 * the permission): such an event is logged and skipped instead of being redelivered forever.
 */
export function isPermanentMatrixFailure(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { permanent?: unknown }).permanent === true;
}

/** Whether a homeserver failure may go away on retry (it could not be reached, a 5xx, a 429). */
export function isTransientMatrixFailure(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { permanent?: unknown }).permanent === false;
}
