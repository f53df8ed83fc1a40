/**
 * One face for "a person using the app", the same on every simulated network: log in, list
 * chats, send (text with the styling the app has, images), edit, react, delete, read, type, run
 * groups, sign out other devices and listen. The `crosschat simnet user` shell command, the
 * benchmark, the fuzz test's "does it still serve a normal client" check and the bridge's
 * conformance suite all drive a network through this. Each network's full client library sits
 * underneath and offers everything its protocol can do; this facade is deliberately the common
 * part only: one method per concept that every network has.
 */
import type { SimnetNetworkId } from "../core/network.js";
import type { InteropUserSide } from "./interop.js";

export interface AgentChat {
  id: string;
  kind: "direct" | "group";
  title: string;
  /** The other people (their ids on the network). */
  members: string[];
}

export interface AgentMessage {
  id: string;
  chat: string;
  sender: string;
  /** Server time, epoch milliseconds. */
  at: number;
  /** The message kind on the network: text, image, sticker, like, location... */
  kind: string;
  text?: string;
  replyTo?: string;
}

/** What the app shows specially in a text: a style, a link or a person named. */
export type AgentSpanKind = "bold" | "italic" | "strikethrough" | "code" | "link" | "mention";

/** A stretch of a text shown as `kind`; offsets and lengths count UTF-16 units. */
export interface AgentSpan {
  kind: AgentSpanKind;
  offset: number;
  length: number;
  /** `link`: where it points. */
  url?: string;
  /** `mention`: the person's id on the network. */
  user?: string;
}

/**
 * A text as the app displays it: markup characters gone (WhatsApp's `*bold*` shows as "bold"
 * in bold), with the spans that are shown specially.
 */
export interface AgentText {
  text: string;
  spans: AgentSpan[];
}

/** A file a message carries. */
export interface AgentMedia {
  /** The network's kind: image, photo, video, audio, document... */
  kind: string;
  mime: string;
  size: number;
  /** The file's bytes, decrypted where the network encrypts files. */
  download(): Promise<Buffer>;
}

/** Something that happened, as a listening user sees it. `raw` is the network's own frame. */
export interface AgentEvent {
  kind: "message" | "edit" | "reaction" | "delete" | "receipt" | "typing" | "presence" | "profile" | "chat" | "membership" | "other";
  chat?: string;
  messageId?: string;
  sender?: string;
  /**
   * The words (a message's or an edit's text as sent, markup included; an empty reaction means
   * it was removed), or the state in the network's own word: a receipt's "delivered", "read" or
   * "played", a typing state, "added" or "removed" for membership.
   */
  text?: string;
  at?: number;
  /** Messages and edits: the text as the app displays it. */
  formatted?: AgentText;
  /** Messages with a file. */
  media?: AgentMedia;
  /** Typing: whether the person is typing (or recording) now. */
  active?: boolean;
  /** Membership: the people added to or removed from the group (see `text`). */
  members?: string[];
  /** Set when `sender` is a third-party contact (someone from another network, through a provider). */
  thirdParty?: { provider: string; id: string; name: string; network: string };
  raw: unknown;
}

export interface UserAgent {
  readonly network: SimnetNetworkId;
  /** Third-party chats: the opt-in setting, finding people from other networks, starting chats with them. */
  readonly interop: InteropUserSide;
  /** The user's id on the network (phone JID, numeric id...). */
  readonly userId: string;
  chats(): Promise<AgentChat[]>;
  /** Latest messages of a chat, oldest first. */
  history(chat: string, limit?: number): Promise<AgentMessage[]>;
  /** Opens (or finds) the direct chat with someone, by the handle the network uses. */
  startDirectChat(handle: string): Promise<AgentChat>;
  /**
   * Sends a text; `spans` style parts of it where the app can (see `formats`): WhatsApp writes
   * its markup, Messenger sends mention ranges. A span the network cannot show is refused; a
   * `link` span must cover its own URL (every app shows the address as it is).
   */
  send(chat: string, text: string, options?: { replyTo?: string; spans?: AgentSpan[] }): Promise<AgentMessage>;
  /** The kinds of span this app can send and show. */
  readonly formats: readonly AgentSpanKind[];
  sendImage(chat: string, data: Buffer, mime: string): Promise<AgentMessage>;
  edit(chat: string, messageId: string, text: string): Promise<void>;
  /** An empty emoji removes the user's reaction. */
  react(chat: string, messageId: string, emoji: string): Promise<void>;
  delete(chat: string, messageId: string): Promise<void>;
  markRead(chat: string, messageId: string): Promise<void>;
  typing(chat: string, typing: boolean): Promise<void>;
  /** A new group with the people of `handles`, the user as its creator and admin. */
  createGroup(title: string, handles: string[]): Promise<AgentChat>;
  /** Group changes; the network allows them to admins only. */
  addMember(chat: string, handle: string): Promise<void>;
  removeMember(chat: string, handle: string): Promise<void>;
  setAdmin(chat: string, handle: string, admin: boolean): Promise<void>;
  /**
   * Signs out every other session or device of the account, as a person does from the app's
   * security settings (WhatsApp: the phone unlinks its companion devices).
   */
  endOtherSessions(): Promise<void>;
  /**
   * Approves another device's login code on this one, as a phone approves a companion (a
   * bridge) on WhatsApp; absent on networks that link devices otherwise.
   */
  approveLink?(code: string): Promise<string>;
  /** Streams events until the returned function is called; resumes across dropped connections. */
  listen(onEvent: (event: AgentEvent) => void): Promise<() => Promise<void>>;
  /** Ends the session on the server (its token stops working), then closes. */
  logout(): Promise<void>;
  /** What `restore` needs to continue this session later (tokens, device keys). */
  save(): unknown;
  close(): Promise<void>;
}

/** Asks the person (or a test) for a code the network sent them: 2FA, checkpoint, SMS, pairing. */
export type Prompt = (question: string) => Promise<string>;

export interface AccountSpec {
  /** Full name or push name. */
  name: string;
  /** The network's handle if the caller wants a particular one: phone number, email, username. */
  handle?: string;
  password?: string;
}

export interface CreatedAccount {
  /** The network's user id. */
  id: string;
  /** What the person types to log in and what others use to find them. */
  handle: string;
  password?: string;
}

/** A request the fuzz test mutates; a valid example of the network's own API. */
export interface FuzzSeedRequest {
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FuzzSeeds {
  requests: FuzzSeedRequest[];
  /** Where a logged-in client opens its realtime socket (with whatever auth the URL needs). */
  realtimeUrl: string;
  /** Frames sent right after the socket opens to authenticate, if the network does it that way. */
  openingFrames: unknown[];
  /** Valid realtime frames to mutate. */
  frames: unknown[];
}

/** What each network's client library offers to the shell, benchmark and fuzz test. */
export interface UserClientKit {
  id: SimnetNetworkId;
  /** How a person logs in, for help text: "phone number", "email and password"... */
  loginHint: string;
  /** Whether login takes a password (the shell asks for one when it was not given). */
  needsPassword: boolean;
  login(baseUrl: string, credentials: { handle: string; password?: string }, prompt: Prompt): Promise<UserAgent>;
  restore(baseUrl: string, saved: unknown): Promise<UserAgent>;
  /** Creates an account through the admin API (demos, tests, benchmarks). */
  createAccount(baseUrl: string, adminToken: string, spec: AccountSpec): Promise<CreatedAccount>;
  /** The newest pending login code (2FA, checkpoint, SMS) for a handle, read through the admin API. */
  pendingCode(baseUrl: string, adminToken: string, handle: string): Promise<string | undefined>;
  /** Valid requests and frames of a logged-in agent, for the fuzz test to mutate. */
  fuzzSeeds(agent: UserAgent): Promise<FuzzSeeds>;
}
