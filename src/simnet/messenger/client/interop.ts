/**
 * A third-party provider's side of Messenger's interoperability API, as the common
 * `InteropProvider` face (src/simnet/client/interop.ts): REST calls with the provider token,
 * acting as one of its identities, and the provider's event stream over the same realtime
 * socket users have (`connect` with `provider_token`), delivered at least once and in order:
 * an event is acknowledged once the handler resolved, so a handler that fails, a dropped socket
 * or a provider restart gets it again.
 */
import { SimnetRequestError } from "../../client/http.js";
import type {
  InteropChat,
  InteropCredentials,
  InteropEvent,
  InteropIncomingBody,
  InteropKit,
  InteropMessageBody,
  InteropParticipant,
  InteropProvider,
  InteropUser,
  ThirdPartyIdentity,
} from "../../client/interop.js";
import {
  ERROR_CODES,
  type InteropDelta,
  type InteropSnapshot,
  type SendResult,
  type WireAttachment,
  type WireInteropChat,
  type WireInteropMessage,
  type WireProvider,
} from "../protocol.js";
import { MessengerAdminClient } from "./admin.js";
import type { ClientOptions } from "./client.js";
import { MessengerHttp } from "./http.js";
import { MessengerRealtime } from "./realtime.js";

const seg = encodeURIComponent;

export function toInteropChat(chat: WireInteropChat): InteropChat {
  return {
    id: chat.id,
    kind: chat.kind,
    ...(chat.title !== null ? { title: chat.title } : {}),
    members: chat.members.map((m) => m.participant),
    creator: chat.creator,
  };
}

/** Fetches an attachment's bytes with the provider token. */
type Download = (attachmentId: string) => Promise<Buffer>;

function dataUri(uri: string): { mime: string; data: Buffer } {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(uri);
  return match ? { mime: match[1]!, data: Buffer.from(match[2]!, "base64") } : { mime: "application/octet-stream", data: Buffer.alloc(0) };
}

/** A message's content; a sticker arrives as its image, the way a provider can show it elsewhere. */
function incomingBody(message: WireInteropMessage, download: Download): InteropIncomingBody {
  const body: InteropIncomingBody = {};
  if (message.text !== null) body.text = message.text;
  if (message.reply_to !== null) body.replyTo = message.reply_to;
  const attachment: WireAttachment | undefined = message.attachments[0];
  if (attachment) {
    body.media = { kind: attachment.kind, mimeType: attachment.mime, ...(attachment.filename !== null ? { fileName: attachment.filename } : {}), download: () => download(attachment.id) };
  } else if (message.sticker) {
    const image = dataUri(message.sticker.image_uri);
    body.media = { kind: "image", mimeType: image.mime, fileName: `sticker-${message.sticker.id}.svg`, download: async () => image.data };
  }
  return body;
}

/** The common event for a delta of the provider's stream; `at` is the stream's time where the delta has none. */
export function toInteropEvent(delta: InteropDelta, at: number, download: Download): InteropEvent {
  switch (delta.type) {
    case "chat":
      return { type: "chat", chat: toInteropChat(delta.chat) };
    case "members":
      return { type: "members", chat: delta.chat_id, added: delta.added, removed: delta.removed, by: delta.by };
    case "title":
      return { type: "title", chat: delta.chat_id, title: delta.title ?? "", by: delta.by };
    case "message": {
      const { message } = delta;
      return { type: "message", chat: delta.chat_id, id: message.id, sender: message.sender, at: message.timestamp, body: incomingBody(message, download) };
    }
    case "edit":
      return { type: "edit", chat: delta.chat_id, id: delta.message_id, sender: delta.sender, at: delta.edited_at, text: delta.text };
    case "reaction":
      return { type: "reaction", chat: delta.chat_id, id: delta.message_id, sender: delta.sender, at, emoji: delta.emoji };
    case "unsend":
      return { type: "delete", chat: delta.chat_id, id: delta.message_id, sender: delta.sender, at: delta.unsent_at };
    case "read":
      return { type: "read", chat: delta.chat_id, upTo: delta.up_to, reader: delta.reader, at };
    case "opt_in":
      return { type: "opt_in", user: { id: delta.user_id, name: delta.name }, at };
    case "opt_out":
      return { type: "opt_out", user: delta.user_id, at };
  }
}

export class MessengerInteropProvider implements InteropProvider {
  readonly network = "messenger" as const;
  private readonly http: MessengerHttp;
  private readonly stops = new Set<() => Promise<void>>();

  constructor(
    readonly baseUrl: string,
    private readonly credentials: InteropCredentials,
    private readonly options: ClientOptions = {},
  ) {
    this.http = new MessengerHttp(baseUrl, credentials.token, options.retry);
  }

  /** Who the token belongs to; refused once the provider is revoked. */
  async whoami(): Promise<WireProvider> {
    return (await this.http.request<{ provider: WireProvider }>("GET", "/v1/interop/me")).provider;
  }

  async lookup(handle: string): Promise<InteropUser | undefined> {
    try {
      return (await this.http.request<{ user: InteropUser }>("GET", `/v1/interop/users?handle=${seg(handle)}`)).user;
    } catch (error) {
      if (error instanceof SimnetRequestError && error.code === ERROR_CODES.userNotFound) return undefined;
      throw error;
    }
  }

  async optedIn(): Promise<InteropUser[]> {
    return (await this.http.request<{ users: InteropUser[] }>("GET", "/v1/interop/opt_ins")).users;
  }

  async publishIdentity(identity: ThirdPartyIdentity): Promise<void> {
    await this.http.request("PUT", `/v1/interop/identities/${seg(identity.id)}`, { name: identity.name, network: identity.network, handle: identity.handle });
  }

  async removeIdentity(id: string): Promise<void> {
    await this.http.request("DELETE", `/v1/interop/identities/${seg(id)}`, undefined, { idempotent: true });
  }

  async createChat(spec: { kind: "direct" | "group"; title?: string; creator: string; members: InteropParticipant[] }): Promise<InteropChat> {
    const body = { kind: spec.kind, members: spec.members, ...(spec.title !== undefined ? { title: spec.title } : {}) };
    return toInteropChat((await this.http.request<{ chat: WireInteropChat }>("POST", `/v1/interop/identities/${seg(spec.creator)}/chats`, body)).chat);
  }

  async addMembers(chat: string, as: string, members: InteropParticipant[]): Promise<void> {
    await this.http.request("POST", `${this.chatPath(chat, as)}/participants`, { participants: members });
  }

  async removeMembers(chat: string, as: string, members: InteropParticipant[]): Promise<void> {
    await this.http.request("POST", `${this.chatPath(chat, as)}/participants/remove`, { participants: members });
  }

  /** Media is uploaded first (as `as`), then sent; the key makes the send itself safe to retry. */
  async send(chat: string, as: string, body: InteropMessageBody, key: string): Promise<{ id: string; at: number }> {
    const attachmentIds = body.media ? [(await this.upload(as, body.media)).id] : [];
    const request = {
      key,
      ...(body.text !== undefined && body.text !== "" ? { text: body.text } : {}),
      ...(body.replyTo !== undefined ? { reply_to: body.replyTo } : {}),
      ...(attachmentIds.length > 0 ? { attachment_ids: attachmentIds } : {}),
    };
    const sent = await this.http.request<Pick<SendResult, "message_id" | "timestamp">>("POST", `${this.chatPath(chat, as)}/messages`, request, { idempotent: true });
    return { id: sent.message_id, at: sent.timestamp };
  }

  private upload(as: string, media: NonNullable<InteropMessageBody["media"]>): Promise<WireAttachment> {
    const body = { kind: media.kind, mime: media.mimeType, data: media.data.toString("base64"), ...(media.fileName ? { filename: media.fileName } : {}) };
    return this.http.request("POST", `/v1/interop/identities/${seg(as)}/attachments`, body);
  }

  async edit(chat: string, as: string, message: string, text: string): Promise<void> {
    await this.http.request("PATCH", this.messagePath(chat, as, message), { text });
  }

  async react(chat: string, as: string, message: string, emoji: string | null): Promise<void> {
    const path = `${this.messagePath(chat, as, message)}/reaction`;
    await (emoji === null ? this.http.request("DELETE", path, undefined, { idempotent: true }) : this.http.request("PUT", path, { emoji }));
  }

  async delete(chat: string, as: string, message: string): Promise<void> {
    await this.http.request("DELETE", this.messagePath(chat, as, message), undefined, { idempotent: true });
  }

  async markRead(chat: string, as: string, upTo: string): Promise<void> {
    await this.http.request("POST", `${this.chatPath(chat, as)}/read`, { message_id: upTo }, { idempotent: true });
  }

  async typing(chat: string, as: string, typing: boolean): Promise<void> {
    await this.http.request("POST", `${this.chatPath(chat, as)}/typing`, { typing }, { idempotent: true });
  }

  /**
   * Past retention the stream starts again from the provider's chats as they are now: each
   * comes as a `chat` event (what happened in between is gone, as on any Messenger client).
   */
  async listen(onEvent: (event: InteropEvent) => Promise<void>): Promise<() => Promise<void>> {
    const stream = new MessengerRealtime<InteropDelta, InteropSnapshot>({
      ...this.options.realtime,
      baseUrl: this.baseUrl,
      credentials: { provider_token: this.credentials.token },
      snapshot: () => this.http.request("GET", "/v1/interop/sync"),
    });
    const download: Download = async (id) => Buffer.from((await this.http.request<{ data: string }>("GET", `/v1/interop/attachments/${seg(id)}`)).data, "base64");
    const offs = [
      stream.on("delta", ({ delta, timestamp }) => onEvent(toInteropEvent(delta, timestamp, download))),
      // Typing is live only: a handler that fails loses nothing worth sending again.
      stream.on("typing", (e) => onEvent({ type: "typing", chat: e.thread_id, who: { kind: "native", id: e.user_id }, typing: e.typing }).catch(() => undefined)),
      stream.on("resync", async ({ snapshot }) => {
        for (const chat of snapshot.chats) await onEvent({ type: "chat", chat: toInteropChat(chat) });
      }),
    ];
    const stop = async () => {
      this.stops.delete(stop);
      offs.forEach((off) => off());
      await stream.close();
    };
    this.stops.add(stop);
    try {
      await stream.start();
    } catch (error) {
      await stop();
      throw error;
    }
    return stop;
  }

  async close(): Promise<void> {
    await Promise.all([...this.stops].map((stop) => stop()));
    this.http.close();
  }

  private chatPath(chat: string, as: string): string {
    return `/v1/interop/identities/${seg(as)}/chats/${seg(chat)}`;
  }

  private messagePath(chat: string, as: string, message: string): string {
    return `${this.chatPath(chat, as)}/messages/${seg(message)}`;
  }
}

export const messengerInteropKit: InteropKit = {
  network: "messenger",

  async registerProvider(baseUrl, adminToken, name) {
    const admin = new MessengerAdminClient(baseUrl, adminToken);
    try {
      const { provider, token } = await admin.registerProvider(name);
      return { providerId: provider.id, token };
    } finally {
      admin.close();
    }
  },

  /** Checks the token first, so a revoked provider learns it here rather than at its first call. */
  async connect(baseUrl, credentials) {
    const provider = new MessengerInteropProvider(baseUrl, credentials);
    try {
      await provider.whoami();
    } catch (error) {
      await provider.close();
      throw error;
    }
    return provider;
  },
};
