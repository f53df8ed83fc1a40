/**
 * The REST half of an Instagram session, part one: the user's own account and sessions, other
 * users, uploads, posts, the inbox, threads and groups, and third-party chats (the setting,
 * finding contacts from other networks, starting chats with them). `InstagramClient` adds
 * sending and the realtime connection on top.
 */
import { randomUUID } from "node:crypto";
import { API, type IgInbox, type IgPost, type IgThread, type IgUser } from "../protocol.js";
import { InstagramHttp, type RetryPolicy } from "./http.js";

/** What a session needs to continue later (e.g. in a file between shell commands). */
export interface SavedInstagramSession {
  token: string;
  userId: string;
  username: string;
  sessionId: string;
  deviceId: string;
  /** The last realtime position processed, if the session listened. */
  seqId?: number;
}

export interface Page {
  cursor?: string;
  limit?: number;
}

export type UploadKind = "photo" | "video" | "audio";

export interface Upload {
  upload_id: string;
  mime: string;
  size: number;
  url: string;
}

export interface LoginActivity {
  session_id: string;
  device_id: string;
  login_timestamp: number;
  is_current: boolean;
}

const D = `${API}/direct_v2`;

function query(page: Page): string {
  const params = new URLSearchParams();
  if (page.cursor !== undefined) params.set("cursor", page.cursor);
  if (page.limit !== undefined) params.set("limit", String(page.limit));
  const text = params.toString();
  return text ? `?${text}` : "";
}

export class InstagramApi {
  readonly http: InstagramHttp;

  constructor(
    readonly baseUrl: string,
    protected readonly saved: SavedInstagramSession,
    retry?: RetryPolicy,
  ) {
    this.http = new InstagramHttp(baseUrl, saved.token, retry);
  }

  /** The user's stable pk. */
  get userId(): string {
    return this.saved.userId;
  }

  /** The username as of login or the last profile update this client saw. */
  get username(): string {
    return this.saved.username;
  }

  get session(): Readonly<SavedInstagramSession> {
    return this.saved;
  }

  // The user and their sessions

  async currentUser(): Promise<IgUser> {
    return this.remember((await this.http.call<{ user: IgUser }>("GET", `${API}/accounts/current_user/`)).user);
  }

  async editProfile(change: { username?: string; fullName?: string }): Promise<IgUser> {
    const body = { ...(change.username !== undefined ? { username: change.username } : {}), ...(change.fullName !== undefined ? { full_name: change.fullName } : {}) };
    return this.remember((await this.http.call<{ user: IgUser }>("POST", `${API}/accounts/edit_profile/`, body)).user);
  }

  async changeProfilePicture(image: Buffer): Promise<IgUser> {
    return this.remember((await this.http.call<{ user: IgUser }>("POST", `${API}/accounts/change_profile_picture/`, { data: image.toString("base64") })).user);
  }

  private remember(user: IgUser): IgUser {
    if (user.pk === this.saved.userId) this.saved.username = user.username;
    return user;
  }

  async user(pk: string): Promise<IgUser> {
    return (await this.http.call<{ user: IgUser }>("GET", `${API}/users/${encodeURIComponent(pk)}/info/`)).user;
  }

  /** Only a current username resolves. */
  async userByUsername(username: string): Promise<IgUser> {
    return (await this.http.call<{ user: IgUser }>("GET", `${API}/users/${encodeURIComponent(username)}/usernameinfo/`)).user;
  }

  async loginActivity(): Promise<LoginActivity[]> {
    return (await this.http.call<{ sessions: LoginActivity[] }>("GET", `${API}/session/login_activity/`)).sessions;
  }

  /** Ends another session of this account; its token stops working and its socket closes. */
  async endSession(sessionId: string): Promise<void> {
    await this.http.call("POST", `${API}/session/login_activity/logout_session/`, { session_id: sessionId });
  }

  async logout(): Promise<void> {
    await this.http.call("POST", `${API}/accounts/logout/`, {});
  }

  // Uploads and posts

  upload(kind: UploadKind, data: Buffer): Promise<Upload> {
    return this.http.call("POST", `${API}/uploads/`, { media_type: kind, data: data.toString("base64") });
  }

  /** Downloads an upload by id or by the URL an item or profile carries. */
  async download(idOrUrl: string): Promise<{ mime: string; data: Buffer }> {
    const id = /\/uploads\/([^/]+)\/?$/.exec(idOrUrl)?.[1] ?? idOrUrl;
    const answer = await this.http.call<{ mime: string; data: string }>("GET", `${API}/uploads/${encodeURIComponent(id)}/`);
    return { mime: answer.mime, data: Buffer.from(answer.data, "base64") };
  }

  async publish(kind: "post" | "reel" | "story", caption = "", uploadId?: string): Promise<IgPost> {
    const body = { kind, caption, ...(uploadId ? { upload_id: uploadId } : {}) };
    return (await this.http.call<{ media: IgPost }>("POST", `${API}/media/configure/`, body)).media;
  }

  async mediaInfo(mediaId: string): Promise<IgPost> {
    const answer = await this.http.call<{ items: IgPost[] }>("GET", `${API}/media/${encodeURIComponent(mediaId)}/info/`);
    return answer.items[0]!;
  }

  // Inbox, threads, groups

  /** A page of the inbox, newest activity first; `seq_id` is where realtime picks up from this snapshot. */
  inbox(page: Page = {}): Promise<IgInbox> {
    return this.http.call("GET", `${D}/inbox/${query(page)}`);
  }

  /** A thread with a page of its items, newest first; pass `oldest_cursor` as `cursor` for older ones. */
  async thread(threadId: string, page: Page = {}): Promise<IgThread> {
    return (await this.http.call<{ thread: IgThread }>("GET", `${D}/threads/${encodeURIComponent(threadId)}/${query(page)}`)).thread;
  }

  /** The direct thread with someone, by pk or username; created if there is none yet. */
  async directThread(who: { userId: string } | { username: string }): Promise<IgThread> {
    const body = "userId" in who ? { recipient_users: [who.userId] } : { recipient_usernames: [who.username] };
    return (await this.http.call<{ thread: IgThread }>("POST", `${D}/threads/get_by_participants/`, body)).thread;
  }

  async createGroup(members: { userIds?: string[]; usernames?: string[] }, options: { title?: string; clientContext?: string } = {}): Promise<IgThread> {
    const body = {
      recipient_users: members.userIds ?? [],
      recipient_usernames: members.usernames ?? [],
      ...(options.title !== undefined ? { thread_title: options.title } : {}),
      client_context: options.clientContext ?? randomUUID(),
    };
    return (await this.http.call<{ thread: IgThread }>("POST", `${D}/create_group_thread/`, body)).thread;
  }

  private async groupChange(threadId: string, action: string, body: unknown = {}): Promise<IgThread | undefined> {
    return (await this.http.call<{ thread?: IgThread }>("POST", `${D}/threads/${encodeURIComponent(threadId)}/${action}/`, body)).thread;
  }

  addUsers(threadId: string, userIds: string[]): Promise<IgThread> {
    return this.groupChange(threadId, "add_user", { user_ids: userIds }) as Promise<IgThread>;
  }

  removeUsers(threadId: string, userIds: string[]): Promise<IgThread> {
    return this.groupChange(threadId, "remove_users", { user_ids: userIds }) as Promise<IgThread>;
  }

  renameGroup(threadId: string, title: string): Promise<IgThread> {
    return this.groupChange(threadId, "update_title", { title }) as Promise<IgThread>;
  }

  addAdmins(threadId: string, userIds: string[]): Promise<IgThread> {
    return this.groupChange(threadId, "add_admins", { user_ids: userIds }) as Promise<IgThread>;
  }

  removeAdmins(threadId: string, userIds: string[]): Promise<IgThread> {
    return this.groupChange(threadId, "remove_admins", { user_ids: userIds }) as Promise<IgThread>;
  }

  async leaveGroup(threadId: string): Promise<void> {
    await this.groupChange(threadId, "leave");
  }

  // Third-party chats (people from other networks, through a provider)

  async thirdPartyChats(): Promise<boolean> {
    return (await this.http.call<{ third_party_chats: boolean }>("GET", `${D}/third_party/settings/`)).third_party_chats;
  }

  /** Off by default; turning it off leaves every third-party chat at once. */
  async setThirdPartyChats(enabled: boolean): Promise<boolean> {
    return (await this.http.call<{ third_party_chats: boolean }>("POST", `${D}/third_party/settings/`, { third_party_chats: enabled })).third_party_chats;
  }

  /** Third-party contacts by handle or name: users with a `third_party` badge. */
  async searchThirdParty(query: string): Promise<IgUser[]> {
    return (await this.http.call<{ users: IgUser[] }>("GET", `${D}/third_party/search/?${new URLSearchParams({ query }).toString()}`)).users;
  }

  /** A direct chat with one third-party contact, or a group with several and, by pk, other users. */
  async createThirdPartyThread(spec: { kind: "direct" | "group"; title?: string; thirdParty: { providerId: string; id: string }[]; userIds?: string[]; clientContext?: string }): Promise<IgThread> {
    const body = {
      thread_type: spec.kind === "direct" ? "private" : "group",
      ...(spec.title !== undefined ? { thread_title: spec.title } : {}),
      third_party_users: spec.thirdParty.map((c) => ({ provider_id: c.providerId, third_party_id: c.id })),
      recipient_users: spec.userIds ?? [],
      client_context: spec.clientContext ?? randomUUID(),
    };
    return (await this.http.call<{ thread: IgThread }>("POST", `${D}/third_party/create_thread/`, body)).thread;
  }
}
