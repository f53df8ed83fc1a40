/**
 * The REST half of a provider's session with Instagram's interoperability API: every call under
 * /api/v1/interop/ with the provider's `IGI:1:` token, retried as the rest of the library's are
 * (never after `feedback_required`). It is also the session a provider's realtime connection
 * belongs to: its snapshot is only the stream position.
 */
import { SimnetRequestError } from "../../client/http.js";
import {
  INTEROP_API,
  type IgInteropBadge,
  type IgInteropIdentity,
  type IgInteropParticipant,
  type IgInteropThread,
  type IgInteropUser,
  type SendKind,
} from "../protocol.js";
import { InstagramHttp, type RetryPolicy } from "./http.js";
import type { RealtimeSession } from "./realtime.js";

const I = INTEROP_API;

/** Where the provider's stream is now. */
export interface ProviderState {
  provider_id: string;
  seq_id: number;
}

export interface ProviderItemAck {
  item_id: string;
  thread_id: string;
  client_context: string;
  /** Microseconds, as a decimal string (Instagram's item_ack). */
  timestamp: string;
}

const path = (...parts: string[]) => parts.map(encodeURIComponent).join("/");

export class InstagramInteropApi implements RealtimeSession<ProviderState> {
  readonly http: InstagramHttp;
  /** A provider is nobody's account: nothing it reads is its own. */
  readonly userId = "";

  constructor(
    readonly baseUrl: string,
    token: string,
    retry?: RetryPolicy,
  ) {
    this.http = new InstagramHttp(baseUrl, token, retry);
  }

  snapshot(): Promise<ProviderState> {
    return this.http.call("GET", `${I}/state/`);
  }

  /** An opted-in user by username; undefined for anyone else, whether they exist or not. */
  async lookup(username: string): Promise<IgInteropUser | undefined> {
    try {
      return (await this.http.call<{ user: IgInteropUser }>("GET", `${I}/users/${path(username)}/`)).user;
    } catch (error) {
      if (error instanceof SimnetRequestError && error.code === "user_not_found") return undefined;
      throw error;
    }
  }

  /** Everyone who turned third-party chats on. */
  async optedIn(): Promise<IgInteropUser[]> {
    return (await this.http.call<{ users: IgInteropUser[] }>("GET", `${I}/users/`)).users;
  }

  async publishIdentity(identity: { third_party_id: string; name: string; network: IgInteropBadge; handle: string }): Promise<IgInteropIdentity> {
    return (await this.http.call<{ identity: IgInteropIdentity }>("POST", `${I}/identities/`, identity)).identity;
  }

  async removeIdentity(id: string): Promise<void> {
    await this.http.call("POST", `${I}/identities/${path(id)}/remove/`, {});
  }

  async createThread(spec: { thread_type: "private" | "group"; thread_title?: string; creator: string; participants: IgInteropParticipant[] }): Promise<IgInteropThread> {
    return (await this.http.call<{ thread: IgInteropThread }>("POST", `${I}/threads/`, spec)).thread;
  }

  async changeParticipants(threadId: string, change: "add" | "remove", as: string, participants: IgInteropParticipant[]): Promise<IgInteropThread> {
    return (await this.http.call<{ thread: IgInteropThread }>("POST", `${I}/threads/${path(threadId)}/${change}_participants/`, { as, participants })).thread;
  }

  /** Stores a file for `as` to send; `mediaType` is photo, video or audio (anything else is refused). */
  upload(as: string, mediaType: string, data: Buffer): Promise<{ upload_id: string; mime: string; size: number }> {
    return this.http.call("POST", `${I}/uploads/`, { as, media_type: mediaType, data: data.toString("base64") });
  }

  async download(uploadId: string): Promise<{ mime: string; data: Buffer }> {
    const answer = await this.http.call<{ mime: string; data: string }>("GET", `${I}/uploads/${path(uploadId)}/`);
    return { mime: answer.mime, data: Buffer.from(answer.data, "base64") };
  }

  /** Sends an item of `kind` as `as`; the same client_context answers the first send again. */
  broadcast(kind: SendKind, as: string, threadId: string, clientContext: string, fields: object): Promise<ProviderItemAck> {
    return this.http.call("POST", `${I}/threads/broadcast/${kind}/`, { ...fields, as, thread_id: threadId, client_context: clientContext });
  }

  async react(as: string, threadId: string, itemId: string, emoji: string | null): Promise<void> {
    const status = emoji === null ? { reaction_status: "deleted" } : { reaction_status: "created", emoji };
    await this.http.call("POST", `${I}/threads/broadcast/reaction/`, { as, thread_id: threadId, item_id: itemId, ...status });
  }

  private async itemAction(action: "edit" | "delete" | "seen", as: string, threadId: string, itemId: string, fields: object = {}): Promise<void> {
    await this.http.call("POST", `${I}/threads/${path(threadId)}/items/${path(itemId)}/${action}/`, { ...fields, as });
  }

  edit(as: string, threadId: string, itemId: string, text: string): Promise<void> {
    return this.itemAction("edit", as, threadId, itemId, { text });
  }

  unsend(as: string, threadId: string, itemId: string): Promise<void> {
    return this.itemAction("delete", as, threadId, itemId);
  }

  markSeen(as: string, threadId: string, itemId: string): Promise<void> {
    return this.itemAction("seen", as, threadId, itemId);
  }

  async typing(as: string, threadId: string, active: boolean): Promise<void> {
    await this.http.call("POST", `${I}/threads/${path(threadId)}/activity/`, { as, activity_status: active ? 1 : 0 });
  }
}
