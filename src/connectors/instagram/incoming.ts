/**
 * Instagram items and patches as the core's events.
 *
 * Likes: Instagram's heart is an item of its own in the thread (not a reaction on another
 * item), so an incoming `like` item is a MessageEvent with the text "❤️", and a Matrix message
 * that is exactly "❤️" goes out as a like item (outgoing.ts). Emoji reactions on an item are
 * reactions both ways: one per person, a new one replacing the old.
 *
 * Shared posts, reels and story replies have no Matrix equivalent: they arrive as text saying
 * what they are, with the caption (or the reply) and the link to the post, reel or story. Action-log items ("alice added dave.") are not
 * messages: the thread patch that comes with them is what becomes a membership or name event.
 */
import type { ChatRef, IncomingBody, IncomingFile, MessageEvent, RemoteEvent } from "../../network/index.js";
import type { IgItem, IgSharedMedia, IgUser } from "../../simnet/instagram/protocol.js";
import { editIdFor, millis } from "./ids.js";
import { fromInstagram } from "./text.js";

export type Download = (url: string) => Promise<Buffer>;

export interface Viewer {
  /** The logged-in account's pk. */
  id: string;
  download: Download;
}

/** Voice waveforms: Instagram samples 0..1, the core (MSC3245) 0..1024. */
export const WAVEFORM_SCALE = 1024;

function file(download: Download, url: string, mimeType: string, extra: Partial<IncomingFile> = {}): IncomingFile {
  return { mimeType, ...extra, download: () => download(url) };
}

const text = (value: string): IncomingBody => ({ kind: "text", text: fromInstagram(value) });

function describeShared(what: string, media: IgSharedMedia, url: string | undefined): string {
  const caption = media.caption?.text ? `: ${media.caption.text}` : "";
  return `Shared ${what} by @${media.user.username}${caption}${url ? ` ${url}` : ""}`;
}

/** The post's public link: Instagram's /p/<shortcode>/ for posts, /reel/ for reels. */
export function sharedUrl(media: IgSharedMedia): string {
  const path = media.product_type === "clips" ? "reel" : media.product_type === "story" ? "stories" : "p";
  if (path === "stories") return `https://www.instagram.com/stories/${media.user.username}/${media.id.split("_")[0] ?? media.id}/`;
  return `https://www.instagram.com/${path}/${media.code}/`;
}

/** An item's content, or undefined for items that are not messages (action logs) or unreadable. */
export function itemBody(item: IgItem, viewer: Viewer): IncomingBody | undefined {
  switch (item.item_type) {
    case "text":
      return item.text !== undefined ? text(item.text) : undefined;
    case "link":
      return item.link ? text(item.link.text) : item.text !== undefined ? text(item.text) : undefined;
    case "like":
      return { kind: "text", text: { text: item.like ?? "❤️", entities: [] } };
    case "media": {
      const media = item.media;
      if (!media) return undefined;
      return { kind: "media", media: media.media_type === 2 ? "video" : "image", file: file(viewer.download, media.url, media.mime, { size: media.size }) };
    }
    case "voice_media": {
      const audio = item.voice_media?.media.audio;
      if (!audio) return undefined;
      return {
        kind: "media",
        media: "voice",
        file: file(viewer.download, audio.audio_src, "audio/mp4", {
          durationMs: audio.duration,
          waveform: audio.waveform_data.map((sample) => Math.round(Math.min(1, Math.max(0, sample)) * WAVEFORM_SCALE)),
        }),
      };
    }
    case "media_share":
      return item.media_share ? text(describeShared("a post", item.media_share, sharedUrl(item.media_share))) : undefined;
    case "clip":
      return item.clip ? text(describeShared("a reel", item.clip.clip, sharedUrl(item.clip.clip))) : undefined;
    case "reel_share": {
      const share = item.reel_share;
      if (!share) return undefined;
      const whose = share.reel_owner_id === viewer.id ? "your story" : `@${share.media.user.username}'s story`;
      return text(`Replied to ${whose}: ${share.text} ${sharedUrl(share.media)}`);
    }
    default:
      return undefined;
  }
}

export function messageEvent(chat: ChatRef, item: IgItem, viewer: Viewer): MessageEvent | undefined {
  const body = itemBody(item, viewer);
  if (!body) return undefined;
  const reply = item.replied_to_message;
  return {
    type: "message",
    chat,
    sender: { id: item.user_id, isMe: item.user_id === viewer.id },
    timestamp: millis(item.timestamp),
    id: item.item_id,
    body,
    ...(reply && !reply.is_unsent ? { replyTo: { id: reply.item_id, ...(reply.user_id !== undefined ? { sender: reply.user_id } : {}) } } : {}),
  };
}

/** An edited item: its new text, as an edit of the item. Only text and link items can be edited. */
export function editEvent(chat: ChatRef, item: IgItem, viewer: Viewer, now: number): RemoteEvent | undefined {
  const body = itemBody(item, viewer);
  if (body?.kind !== "text") return undefined;
  return {
    type: "edit",
    chat,
    sender: { id: item.user_id, isMe: item.user_id === viewer.id },
    timestamp: now,
    id: editIdFor(item.item_id, item.edit_count),
    target: item.item_id,
    text: body.text,
  };
}

/** The name to show: the full name if there is one, else the username. */
export function displayName(user: Pick<IgUser, "full_name" | "username">): string {
  return user.full_name.trim() || user.username;
}
