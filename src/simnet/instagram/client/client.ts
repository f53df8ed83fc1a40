/**
 * A logged-in Instagram session: everything in InstagramApi plus sending every kind of item
 * (each with a client_context, generated unless given, so a retried send never duplicates),
 * reacting, editing, unsending, seen markers, typing, and the realtime connection.
 */
import { randomUUID } from "node:crypto";
import { API, LIKE_EMOJI, type IgInbox, type IgItem, type SendKind } from "../protocol.js";
import { InstagramApi } from "./api.js";
import { InstagramRealtime, type RealtimeOptions } from "./realtime.js";

export interface SendOptions {
  /** The idempotency key; reuse it to retry a send safely. */
  clientContext?: string;
  /** An item of the same thread this one replies to. */
  replyTo?: string;
}

export interface ItemAck {
  action: "item_ack";
  payload: { client_context: string; item_id: string; thread_id: string; timestamp: string };
  item: IgItem;
}

const D = `${API}/direct_v2`;
const B = `${D}/threads/broadcast`;

export class InstagramClient extends InstagramApi {
  /** Sends an item of any kind over REST; the named methods below are this with their fields. */
  async broadcast(kind: SendKind, threadId: string, fields: object, options: SendOptions = {}): Promise<IgItem> {
    const body = {
      thread_id: threadId,
      client_context: options.clientContext ?? randomUUID(),
      ...(options.replyTo !== undefined ? { replied_to_item_id: options.replyTo } : {}),
      ...fields,
    };
    return (await this.http.call<ItemAck>("POST", `${B}/${kind}/`, body)).item;
  }

  /** Text; a URL in it makes a `link` item with a preview. */
  sendText(threadId: string, text: string, options: SendOptions = {}): Promise<IgItem> {
    return this.broadcast("text", threadId, { text }, options);
  }

  /** The heart, Instagram's own item type. */
  sendLike(threadId: string, options: SendOptions = {}): Promise<IgItem> {
    return this.broadcast("like", threadId, {}, options);
  }

  /** A photo or video uploaded with `upload()`. */
  sendMedia(threadId: string, uploadId: string, kind: "photo" | "video", options: SendOptions = {}): Promise<IgItem> {
    return this.broadcast(kind === "photo" ? "configure_photo" : "configure_video", threadId, { upload_id: uploadId }, options);
  }

  /** A voice message: uploaded audio, its length and a waveform of 0..1 samples at 10 Hz. */
  sendVoice(threadId: string, uploadId: string, durationMs: number, waveform: number[], options: SendOptions = {}): Promise<IgItem> {
    return this.broadcast("share_voice", threadId, { upload_id: uploadId, duration_ms: durationMs, waveform }, options);
  }

  /** Shares a feed post (`media_share`) or a reel (`clip`) by media id. */
  share(threadId: string, mediaId: string, as: "post" | "reel", options: SendOptions = {}): Promise<IgItem> {
    return this.broadcast(as === "post" ? "media_share" : "clip_share", threadId, { media_id: mediaId }, options);
  }

  /** Replies to a story (`reel_share`) in a thread with its owner. */
  replyToStory(threadId: string, storyId: string, text: string, options: SendOptions = {}): Promise<IgItem> {
    return this.broadcast("reel_share", threadId, { media_id: storyId, text }, options);
  }

  /** Sets the user's one reaction on an item, or removes it with null. Returns whether it changed. */
  async react(threadId: string, itemId: string, emoji: string | null = LIKE_EMOJI): Promise<boolean> {
    const body = emoji === null ? { thread_id: threadId, item_id: itemId, reaction_status: "deleted" } : { thread_id: threadId, item_id: itemId, reaction_status: "created", emoji };
    return (await this.http.call<{ changed: boolean }>("POST", `${B}/reaction/`, body)).changed;
  }

  private itemPath(threadId: string, itemId: string, action: string): string {
    return `${D}/threads/${encodeURIComponent(threadId)}/items/${encodeURIComponent(itemId)}/${action}/`;
  }

  async edit(threadId: string, itemId: string, text: string): Promise<IgItem> {
    return (await this.http.call<{ item: IgItem }>("POST", this.itemPath(threadId, itemId, "edit"), { text })).item;
  }

  async unsend(threadId: string, itemId: string): Promise<void> {
    await this.http.call("POST", this.itemPath(threadId, itemId, "delete"), {});
  }

  /** Marks the thread seen up to `itemId`; false if it already was. */
  async markSeen(threadId: string, itemId: string): Promise<boolean> {
    return (await this.http.call<{ changed: boolean }>("POST", this.itemPath(threadId, itemId, "seen"), {})).changed;
  }

  async typing(threadId: string, active: boolean): Promise<void> {
    await this.http.call("POST", `${D}/threads/${encodeURIComponent(threadId)}/activity/`, { activity_status: active ? 1 : 0 });
  }

  /** The inbox as a realtime connection resumes from it: its first thread only, when only its seq_id is wanted. */
  snapshot(positionOnly: boolean): Promise<IgInbox> {
    return this.inbox(positionOnly ? { limit: 1 } : {});
  }

  /** A realtime connection for this session (not yet started). */
  realtime(options: RealtimeOptions = {}): InstagramRealtime {
    return new InstagramRealtime(this, options);
  }
}
