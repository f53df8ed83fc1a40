/**
 * One face for "a person using the app", the same on every simulated network: log in, list
 * chats, send, edit, react, delete, read, type and listen. The `crosschat simnet user` shell
 * command, the benchmark and the fuzz test's "does it still serve a normal client" check all
 * drive a network through this. Each network's full client library sits underneath and offers
 * everything its protocol can do; this facade is deliberately the common part only.
 */
import type { SimnetNetworkId } from "../core/network.js";

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

/** Something that happened, as a listening user sees it. `raw` is the network's own frame. */
export interface AgentEvent {
  kind: "message" | "edit" | "reaction" | "delete" | "receipt" | "typing" | "presence" | "profile" | "chat" | "other";
  chat?: string;
  messageId?: string;
  sender?: string;
  text?: string;
  at?: number;
  raw: unknown;
}

export interface UserAgent {
  readonly network: SimnetNetworkId;
  /** The user's id on the network (phone JID, numeric id...). */
  readonly userId: string;
  chats(): Promise<AgentChat[]>;
  /** Latest messages of a chat, oldest first. */
  history(chat: string, limit?: number): Promise<AgentMessage[]>;
  /** Opens (or finds) the direct chat with someone, by the handle the network uses. */
  startDirectChat(handle: string): Promise<AgentChat>;
  send(chat: string, text: string, options?: { replyTo?: string }): Promise<AgentMessage>;
  edit(chat: string, messageId: string, text: string): Promise<void>;
  /** An empty emoji removes the user's reaction. */
  react(chat: string, messageId: string, emoji: string): Promise<void>;
  delete(chat: string, messageId: string): Promise<void>;
  markRead(chat: string, messageId: string): Promise<void>;
  typing(chat: string, typing: boolean): Promise<void>;
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
