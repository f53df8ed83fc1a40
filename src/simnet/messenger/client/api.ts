/**
 * Every REST action of the Messenger protocol for one logged-in session, typed with the wire
 * objects of protocol.ts. Sends carry an offline threading id (made up here unless the caller
 * gives one), so retrying a send can never post it twice.
 */
import { randomInt } from "node:crypto";
import type {
  AttachmentKind,
  SendResult,
  Snapshot,
  WireAccount,
  WireAttachment,
  WireMention,
  WireMessage,
  WireSession,
  WireSticker,
  WireStickerPack,
  WireThirdParty,
  WireThread,
  WireUser,
} from "../protocol.js";
import type { MessengerHttp } from "./http.js";

/** What a message carries: text (with mentions), a sticker, or attachments with an optional caption. */
export interface OutgoingMessage {
  text?: string;
  mentions?: WireMention[];
  replyTo?: string;
  stickerId?: string;
  attachmentIds?: string[];
}

export interface Upload {
  kind: AttachmentKind;
  mime: string;
  data: Buffer;
  filename?: string;
}

/** Messenger's offline threading id: milliseconds shifted left 22 bits, plus 22 random bits. */
export function newOfflineThreadingId(now = Date.now()): string {
  return nextOfflineThreadingId(0n, now).toString();
}

/**
 * The next id after `previous`: random ids alone would collide now and then when a client sends
 * dozens in the same millisecond, and a collision makes the server take the second send for a
 * retry of the first.
 */
function nextOfflineThreadingId(previous: bigint, now = Date.now()): bigint {
  const fresh = (BigInt(now) << 22n) | BigInt(randomInt(0, 2 ** 22));
  return fresh > previous ? fresh : previous + 1n;
}

const seg = encodeURIComponent;

export class MessengerApi {
  private lastOfflineThreadingId = 0n;

  constructor(readonly http: MessengerHttp) {}

  /** A fresh offline threading id, always larger than the previous one this client made. */
  offlineThreadingId(): string {
    this.lastOfflineThreadingId = nextOfflineThreadingId(this.lastOfflineThreadingId);
    return this.lastOfflineThreadingId.toString();
  }

  me(): Promise<WireAccount> {
    return this.http.request("GET", "/v1/me");
  }

  async setTwoFactor(enabled: boolean, password: string): Promise<boolean> {
    return (await this.http.request<{ two_factor_enabled: boolean }>("POST", "/v1/me/two_factor", { enabled, password })).two_factor_enabled;
  }

  user(id: string): Promise<WireUser> {
    return this.http.request("GET", `/v1/users/${seg(id)}`);
  }

  userByEmail(email: string): Promise<WireUser> {
    return this.http.request("GET", `/v1/users?email=${seg(email)}`);
  }

  async sessions(): Promise<WireSession[]> {
    return (await this.http.request<{ sessions: WireSession[] }>("GET", "/v1/sessions")).sessions;
  }

  async revokeSession(sessionId: string): Promise<void> {
    await this.http.request("DELETE", `/v1/sessions/${seg(sessionId)}`);
  }

  async logout(): Promise<void> {
    await this.http.request("POST", "/v1/auth/logout", {});
  }

  stickers(): Promise<{ packs: WireStickerPack[]; stickers: WireSticker[] }> {
    return this.http.request("GET", "/v1/stickers");
  }

  upload(upload: Upload): Promise<WireAttachment> {
    const body = { kind: upload.kind, mime: upload.mime, data: upload.data.toString("base64"), ...(upload.filename ? { filename: upload.filename } : {}) };
    return this.http.request("POST", "/v1/attachments", body);
  }

  async download(attachmentId: string): Promise<{ attachment: WireAttachment; data: Buffer }> {
    const { data, ...attachment } = await this.http.request<WireAttachment & { data: string }>("GET", `/v1/attachments/${seg(attachmentId)}`);
    return { attachment, data: Buffer.from(data, "base64") };
  }

  threads(page: { limit?: number; cursor?: string } = {}): Promise<{ threads: WireThread[]; next_cursor: string | null }> {
    const query = new URLSearchParams();
    if (page.limit !== undefined) query.set("limit", String(page.limit));
    if (page.cursor !== undefined) query.set("cursor", page.cursor);
    return this.http.request("GET", `/v1/threads${query.size > 0 ? `?${query}` : ""}`);
  }

  /** A direct thread with one person (found or opened), or a new group with several. */
  async createThread(participantIds: string[], name?: string): Promise<WireThread> {
    return (await this.http.request<{ thread: WireThread }>("POST", "/v1/threads", { participant_ids: participantIds, ...(name ? { name } : {}) })).thread;
  }

  async thread(threadId: string): Promise<WireThread> {
    return (await this.http.request<{ thread: WireThread }>("GET", `/v1/threads/${seg(threadId)}`)).thread;
  }

  /** Oldest first; `next_before` pages further back. */
  messages(threadId: string, page: { limit?: number; before?: string } = {}): Promise<{ messages: WireMessage[]; next_before: string | null }> {
    const query = new URLSearchParams();
    if (page.limit !== undefined) query.set("limit", String(page.limit));
    if (page.before !== undefined) query.set("before", page.before);
    return this.http.request("GET", `/v1/threads/${seg(threadId)}/messages${query.size > 0 ? `?${query}` : ""}`);
  }

  /** Retrying with the same `offlineThreadingId` can never post the message twice. */
  send(threadId: string, message: OutgoingMessage, offlineThreadingId = this.offlineThreadingId()): Promise<SendResult> {
    const body = {
      offline_threading_id: offlineThreadingId,
      ...(message.text !== undefined ? { text: message.text } : {}),
      ...(message.mentions?.length ? { mentions: message.mentions } : {}),
      ...(message.replyTo !== undefined ? { reply_to: message.replyTo } : {}),
      ...(message.stickerId !== undefined ? { sticker_id: message.stickerId } : {}),
      ...(message.attachmentIds?.length ? { attachment_ids: message.attachmentIds } : {}),
    };
    return this.http.request("POST", `/v1/threads/${seg(threadId)}/messages`, body, { idempotent: true });
  }

  edit(messageId: string, text: string, mentions: WireMention[] = []): Promise<{ message_id: string; edit_count: number; edited_at: number }> {
    return this.http.request("PATCH", `/v1/messages/${seg(messageId)}`, { text, ...(mentions.length ? { mentions } : {}) });
  }

  unsend(messageId: string): Promise<{ message_id: string; unsent_at: number }> {
    return this.http.request("DELETE", `/v1/messages/${seg(messageId)}`, undefined, { idempotent: true });
  }

  async react(messageId: string, emoji: string): Promise<void> {
    await this.http.request("PUT", `/v1/messages/${seg(messageId)}/reaction`, { emoji });
  }

  async unreact(messageId: string): Promise<void> {
    await this.http.request("DELETE", `/v1/messages/${seg(messageId)}/reaction`, undefined, { idempotent: true });
  }

  /** Moves the read watermark to a message's time, a given time, or now. */
  async markRead(threadId: string, upTo: { messageId?: string; timestamp?: number } = {}): Promise<number> {
    const body = { ...(upTo.messageId ? { message_id: upTo.messageId } : {}), ...(upTo.timestamp !== undefined ? { watermark_timestamp: upTo.timestamp } : {}) };
    return (await this.http.request<{ watermark_timestamp: number }>("POST", `/v1/threads/${seg(threadId)}/read`, body, { idempotent: true })).watermark_timestamp;
  }

  async typing(threadId: string, typing: boolean): Promise<void> {
    await this.http.request("POST", `/v1/threads/${seg(threadId)}/typing`, { typing }, { idempotent: true });
  }

  renameThread(threadId: string, name: string | null): Promise<WireThread> {
    return this.threadChange("POST", threadId, "/name", { name });
  }

  setThreadImage(threadId: string, attachmentId: string | null): Promise<WireThread> {
    return this.threadChange("POST", threadId, "/image", { attachment_id: attachmentId });
  }

  setAdminOnlyEdits(threadId: string, adminOnlyEdits: boolean): Promise<WireThread> {
    return this.threadChange("POST", threadId, "/settings", { admin_only_edits: adminOnlyEdits });
  }

  addParticipants(threadId: string, userIds: string[]): Promise<WireThread> {
    return this.threadChange("POST", threadId, "/participants", { user_ids: userIds });
  }

  setAdmin(threadId: string, userId: string, isAdmin: boolean): Promise<WireThread> {
    return this.threadChange("PUT", threadId, `/admins/${seg(userId)}`, { is_admin: isAdmin });
  }

  /** Removes someone (admins only), or leaves when `userId` is yourself. */
  async removeParticipant(threadId: string, userId: string): Promise<void> {
    await this.http.request("DELETE", `/v1/threads/${seg(threadId)}/participants/${seg(userId)}`);
  }

  /** Whether "third-party chats" is on (it is off until the user turns it on). */
  async thirdPartyChats(): Promise<boolean> {
    return (await this.http.request<{ enabled: boolean }>("GET", "/v1/me/third_party_chats")).enabled;
  }

  /** Turning it off leaves every third-party chat at once. */
  async setThirdPartyChats(enabled: boolean): Promise<boolean> {
    return (await this.http.request<{ enabled: boolean }>("POST", "/v1/me/third_party_chats", { enabled }, { idempotent: true })).enabled;
  }

  /** Third-party contacts whose handle or name contains `query`. */
  async searchThirdParty(query: string): Promise<WireThirdParty[]> {
    return (await this.http.request<{ contacts: WireThirdParty[] }>("GET", `/v1/third_party/contacts?q=${seg(query)}`)).contacts;
  }

  /** A direct chat with one third-party contact (found again if it exists), or a group. */
  async startThirdPartyChat(spec: { kind: "direct" | "group"; thirdParty: { providerId: string; identityId: string }[]; participantIds?: string[]; name?: string }): Promise<WireThread> {
    const body = {
      kind: spec.kind,
      third_party: spec.thirdParty.map((t) => ({ provider_id: t.providerId, identity_id: t.identityId })),
      ...(spec.participantIds?.length ? { participant_ids: spec.participantIds } : {}),
      ...(spec.name ? { name: spec.name } : {}),
    };
    return (await this.http.request<{ thread: WireThread }>("POST", "/v1/third_party/threads", body)).thread;
  }

  snapshot(options: { messagesPerThread?: number; threadLimit?: number } = {}): Promise<Snapshot> {
    const query = new URLSearchParams();
    if (options.messagesPerThread !== undefined) query.set("messages_per_thread", String(options.messagesPerThread));
    if (options.threadLimit !== undefined) query.set("thread_limit", String(options.threadLimit));
    return this.http.request("GET", `/v1/sync/snapshot${query.size > 0 ? `?${query}` : ""}`);
  }

  private async threadChange(method: string, threadId: string, suffix: string, body: unknown): Promise<WireThread> {
    return (await this.http.request<{ thread: WireThread }>(method, `/v1/threads/${seg(threadId)}${suffix}`, body)).thread;
  }
}
