/**
 * The wire shapes of Instagram's interoperability API (docs/simnet/instagram.md, "Third-party
 * chats"), shared by the server and the client library: what native clients see of third-party
 * contacts (a badge on users and on what they do), and what a provider sends and receives. A
 * provider authenticates with an `IGI:1:` token and reads one durable stream of patches under
 * `/interop/...` paths over the ordinary realtime socket.
 */
import { matchPath } from "./patch-paths.js";

export const INTEROP_TOKEN_PREFIX = "IGI:1:";
export const INTEROP_API = "/api/v1/interop";

export const INTEROP_BADGES = ["whatsapp", "messenger", "instagram", "matrix"] as const;
export type IgInteropBadge = (typeof INTEROP_BADGES)[number];

/** A third-party contact as native clients see one: on users (`third_party`) and on what they do (`third_party_sender`). */
export interface IgThirdPartyBadge {
  provider_id: string;
  /** The provider's id for the person. */
  id: string;
  name: string;
  network: IgInteropBadge;
}

/** A participant as the provider sees one: a native user by pk, or one of its identities by its own id. */
export type IgInteropParticipant = { user_id: string } | { third_party_id: string };

export interface IgInteropThread {
  thread_id: string;
  thread_type: "private" | "group";
  thread_title: string | null;
  participants: IgInteropParticipant[];
  creator: IgInteropParticipant;
  admins: IgInteropParticipant[];
}

/** A file in an item, as the provider sees it; fetched with `GET /api/v1/interop/uploads/<upload_id>/`. */
export interface IgInteropMedia {
  upload_id: string;
  kind: "image" | "video" | "audio";
  mime: string;
  size: number;
}

/** An item as the provider receives it: every kind reduced to text and/or a file. */
export interface IgInteropItem {
  item_id: string;
  sender: IgInteropParticipant;
  /** Microseconds, as everywhere on Instagram. */
  timestamp: number;
  /** Instagram's own kind (text, link, like, media, voice_media, media_share, clip, reel_share). */
  item_type: string;
  text?: string;
  media?: IgInteropMedia;
  replied_to_item_id?: string;
}

export interface IgInteropProvider {
  provider_id: string;
  name: string;
  created_at: number;
  revoked_at: number | null;
}

/** A published identity, as the provider and the admin API show it. */
export interface IgInteropIdentity {
  third_party_id: string;
  name: string;
  network: IgInteropBadge;
  handle: string;
  /** The pk native clients know the identity by. */
  pk: string;
  removed: boolean;
}

/** Where a provider patch applies. */
export const interopPaths = {
  thread: (threadId: string) => `/interop/threads/${threadId}`,
  participants: (threadId: string) => `/interop/threads/${threadId}/participants`,
  title: (threadId: string) => `/interop/threads/${threadId}/title`,
  item: (threadId: string, itemId: string) => `/interop/threads/${threadId}/items/${itemId}`,
  reaction: (threadId: string, itemId: string, who: string) => `/interop/threads/${threadId}/items/${itemId}/reactions/${who}`,
  seen: (threadId: string, who: string) => `/interop/threads/${threadId}/seen/${who}`,
  activity: (threadId: string, who: string) => `/interop/threads/${threadId}/activity/${who}`,
  user: (pk: string) => `/interop/users/${pk}`,
};

/** The values of provider patches, by path. */
export interface IgInteropMembersChange {
  added: IgInteropParticipant[];
  removed: IgInteropParticipant[];
  by: IgInteropParticipant;
}
export interface IgInteropTitleChange {
  title: string;
  by: IgInteropParticipant;
}
export interface IgInteropEdit {
  item_id: string;
  sender: IgInteropParticipant;
  timestamp: number;
  text: string;
}
export interface IgInteropUnsend {
  item_id: string;
  sender: IgInteropParticipant;
  timestamp: number;
}
export interface IgInteropReaction {
  item_id: string;
  sender: IgInteropParticipant;
  /** Null: the reaction was removed. */
  emoji: string | null;
  timestamp: number;
}
export interface IgInteropSeen {
  item_id: string;
  reader: IgInteropParticipant;
  timestamp: number;
}
export interface IgInteropActivity {
  sender: IgInteropParticipant;
  activity_status: 0 | 1;
}
/** A user who opted in, as a provider finds them: by pk (stable), with the names the app shows. */
export interface IgInteropUser {
  user_id: string;
  username: string;
  full_name: string;
}
export interface IgInteropOptIn extends IgInteropUser {
  timestamp: number;
}
export interface IgInteropOptOut {
  user_id: string;
  timestamp: number;
}

export type InteropPath =
  | { kind: "thread" | "participants" | "title"; threadId: string }
  | { kind: "item"; threadId: string; itemId: string }
  | { kind: "reaction"; threadId: string; itemId: string }
  | { kind: "seen" | "activity"; threadId: string }
  | { kind: "user"; userId: string }
  | { kind: "unknown" };

const INTEROP_PATH_FORMS: [RegExp, (m: RegExpExecArray) => InteropPath][] = [
  [/^\/interop\/threads\/(\d+)$/, (m) => ({ kind: "thread", threadId: m[1]! })],
  [/^\/interop\/threads\/(\d+)\/(participants|title)$/, (m) => ({ kind: m[2] as "participants" | "title", threadId: m[1]! })],
  [/^\/interop\/threads\/(\d+)\/items\/(\d+)$/, (m) => ({ kind: "item", threadId: m[1]!, itemId: m[2]! })],
  [/^\/interop\/threads\/(\d+)\/items\/(\d+)\/reactions\/\d+$/, (m) => ({ kind: "reaction", threadId: m[1]!, itemId: m[2]! })],
  [/^\/interop\/threads\/(\d+)\/(seen|activity)\/\d+$/, (m) => ({ kind: m[2] as "seen" | "activity", threadId: m[1]! })],
  [/^\/interop\/users\/(\d+)$/, (m) => ({ kind: "user", userId: m[1]! })],
];

export function parseInteropPath(path: string): InteropPath {
  return matchPath(INTEROP_PATH_FORMS, path, { kind: "unknown" });
}
