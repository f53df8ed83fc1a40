/**
 * What each kind of item carries, checked against Instagram's rules: text up to 1,000
 * characters (a URL in it makes a `link` item with a preview made from the URL itself, nothing
 * is fetched), the heart like, photos and videos, voice notes with duration and waveform, and
 * shared posts, reels and story replies.
 */
import { badRequest } from "../core/protocol-error.js";
import type { StoredMedia } from "../core/media.js";
import { uploadUrl } from "./accounts.js";
import type { ItemContent } from "./items.js";
import { LIKE_EMOJI, LIMITS, type IgItemType, type IgLinkContext, type IgPost, type IgSharedMedia } from "./protocol.js";

export interface BuiltContent {
  type: IgItemType;
  content: ItemContent;
}

const URL_IN_TEXT = /\b(?:https?:\/\/|www\.)[^\s<>"]+/i;

/** Checks a message text: not blank, at most the limit in characters (code points, as the app counts). */
export function checkText(text: string, field = "text"): string {
  if (text.trim().length === 0) throw badRequest("empty_text", `'${field}' must not be empty`);
  if ([...text].length > LIMITS.textMaxChars) {
    throw badRequest("text_too_long", `'${field}' is longer than ${LIMITS.textMaxChars} characters`, { max_chars: LIMITS.textMaxChars });
  }
  return text;
}

/** A preview from the URL alone: the last path segment as the title, the host as the summary. */
export function linkPreview(raw: string): IgLinkContext | undefined {
  const trimmed = raw.replace(/[.,!?;:)\]]+$/, "");
  let url: URL;
  try {
    url = new URL(/^https?:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`);
  } catch {
    return undefined;
  }
  const host = url.hostname.replace(/^www\./, "");
  if (!host.includes(".")) return undefined;
  const segment = url.pathname.split("/").filter(Boolean).pop() ?? "";
  let words = segment;
  try {
    words = decodeURIComponent(segment);
  } catch {
    // A malformed escape: keep the segment as written.
  }
  words = words.replace(/\.[a-z0-9]{1,5}$/i, "").replace(/[-_+]+/g, " ").trim();
  const title = words ? words[0]!.toUpperCase() + words.slice(1) : host;
  return { link_url: url.toString(), link_title: title, link_summary: host };
}

export function textContent(text: string): BuiltContent {
  checkText(text);
  const found = URL_IN_TEXT.exec(text);
  const preview = found ? linkPreview(found[0]) : undefined;
  return preview ? { type: "link", content: { link: { text, link_context: preview } } } : { type: "text", content: { text } };
}

export const likeContent = (): BuiltContent => ({ type: "like", content: { like: LIKE_EMOJI } });

const uploadRef = (upload: Pick<StoredMedia, "id" | "mime" | "size">) => ({ id: upload.id, url: uploadUrl(upload.id), mime: upload.mime, size: upload.size });

export function mediaContent(upload: Pick<StoredMedia, "id" | "mime" | "size">): BuiltContent {
  return { type: "media", content: { media: { ...uploadRef(upload), media_type: upload.mime.startsWith("video/") ? 2 : 1 } } };
}

export function voiceContent(upload: Pick<StoredMedia, "id">, durationMs: number, waveform: number[]): BuiltContent {
  if (!Number.isInteger(durationMs) || durationMs < 1 || durationMs > LIMITS.voiceMaxDurationMs) {
    throw badRequest("invalid_duration", `a voice message lasts 1 ms to ${LIMITS.voiceMaxDurationMs / 1000} s`);
  }
  if (waveform.length === 0 || waveform.length > LIMITS.waveformMaxSamples || waveform.some((v) => !(v >= 0 && v <= 1))) {
    throw badRequest("invalid_waveform", `a waveform is 1 to ${LIMITS.waveformMaxSamples} samples between 0 and 1`);
  }
  const audio = { audio_src: uploadUrl(upload.id), duration: durationMs, waveform_data: waveform, waveform_sampling_frequency_hz: LIMITS.waveformSamplingHz };
  return { type: "voice_media", content: { voice_media: { media: { id: upload.id, media_type: 11, audio } } } };
}

function shared(post: IgPost): IgSharedMedia {
  const { url: _url, ...media } = post;
  return media;
}

/** A post shared as `media_share`, or a reel as `clip`; each kind only as itself. */
export function shareContent(post: IgPost, as: "media_share" | "clip"): BuiltContent {
  const expected = as === "clip" ? "clips" : "feed";
  if (post.product_type !== expected) {
    throw badRequest("wrong_media_kind", as === "clip" ? "only a reel can be shared as a clip" : "only a feed post can be shared as media_share");
  }
  return as === "clip" ? { type: "clip", content: { clip: { clip: shared(post) } } } : { type: "media_share", content: { media_share: shared(post) } };
}

/** A reply to a story: only a live story, only in a thread its owner is in, never one's own. */
export function storyReplyContent(post: IgPost, text: string, sender: string, members: string[], now: number): BuiltContent {
  if (post.product_type !== "story") throw badRequest("wrong_media_kind", "only a story can be replied to with reel_share");
  if (post.expiring_at !== undefined && post.expiring_at * 1000 <= now) throw badRequest("story_expired", "This story is no longer available.");
  if (post.user.pk === sender || !members.includes(post.user.pk)) {
    throw badRequest("story_owner_not_in_thread", "a story reply goes to a thread with the story's owner");
  }
  checkText(text);
  return { type: "reel_share", content: { reel_share: { text, type: "reply", reel_owner_id: post.user.pk, media: shared(post) } } };
}

const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });

/** A reaction is exactly one emoji (one grapheme: skin tones, flags and keycaps included). */
export function checkEmoji(emoji: string): string {
  const graphemes = [...segmenter.segment(emoji)];
  if (emoji.length > 32 || graphemes.length !== 1 || !/\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u.test(emoji)) {
    throw badRequest("invalid_emoji", "a reaction is a single emoji");
  }
  return emoji;
}
