/**
 * A provider's `/interop/...` patches turned into the common InteropEvent: users are native
 * participants by pk (named by their full name, or their username if they gave none),
 * identities third-party ones by the provider's own id, timestamps become milliseconds, and
 * files are fetched only when `download()` is called.
 */
import type { InteropEvent, InteropIncomingBody, InteropParticipant, InteropUser } from "../../client/interop.js";
import {
  parseInteropPath,
  type IgInteropActivity,
  type IgInteropEdit,
  type IgInteropItem,
  type IgInteropMembersChange,
  type IgInteropOptIn,
  type IgInteropOptOut,
  type IgInteropParticipant,
  type IgInteropReaction,
  type IgInteropSeen,
  type IgInteropThread,
  type IgInteropTitleChange,
  type IgInteropUnsend,
  type IgInteropUser,
  type IgPatch,
} from "../protocol.js";

export type Download = (uploadId: string) => Promise<{ data: Buffer }>;

const ms = (micros: number) => Math.floor(micros / 1000);

export function toParticipant(p: IgInteropParticipant): InteropParticipant {
  return "third_party_id" in p ? { kind: "third_party", id: p.third_party_id } : { kind: "native", id: p.user_id };
}

export function toInteropUser(user: IgInteropUser): InteropUser {
  return { id: user.user_id, name: user.full_name || user.username };
}

export function toWireParticipant(p: InteropParticipant): IgInteropParticipant {
  return p.kind === "third_party" ? { third_party_id: p.id } : { user_id: p.id };
}

export function toInteropChat(thread: IgInteropThread) {
  return {
    id: thread.thread_id,
    kind: thread.thread_type === "group" ? ("group" as const) : ("direct" as const),
    ...(thread.thread_title !== null ? { title: thread.thread_title } : {}),
    members: thread.participants.map(toParticipant),
    creator: toParticipant(thread.creator),
  };
}

function body(item: IgInteropItem, download: Download): InteropIncomingBody {
  const media = item.media;
  return {
    ...(item.text !== undefined ? { text: item.text } : {}),
    ...(media ? { media: { kind: media.kind, mimeType: media.mime, download: async () => (await download(media.upload_id)).data } } : {}),
    ...(item.replied_to_item_id !== undefined ? { replyTo: item.replied_to_item_id } : {}),
  };
}

/** The event a patch reports; undefined for a patch this library does not know (a newer server's). */
export function decodeInteropPatch(patch: IgPatch, download: Download): InteropEvent | undefined {
  const path = parseInteropPath(patch.path);
  switch (path.kind) {
    case "thread":
      return patch.op === "add" ? { type: "chat", chat: toInteropChat(patch.value as IgInteropThread) } : undefined;
    case "participants": {
      const change = patch.value as IgInteropMembersChange;
      return { type: "members", chat: path.threadId, added: change.added.map(toParticipant), removed: change.removed.map(toParticipant), by: toParticipant(change.by) };
    }
    case "title": {
      const change = patch.value as IgInteropTitleChange;
      return { type: "title", chat: path.threadId, title: change.title, by: toParticipant(change.by) };
    }
    case "item":
      return itemEvent(patch, path.threadId, download);
    case "reaction": {
      const reaction = patch.value as IgInteropReaction;
      return { type: "reaction", chat: path.threadId, id: reaction.item_id, sender: toParticipant(reaction.sender), at: ms(reaction.timestamp), emoji: reaction.emoji };
    }
    case "seen": {
      const seen = patch.value as IgInteropSeen;
      return { type: "read", chat: path.threadId, upTo: seen.item_id, reader: toParticipant(seen.reader), at: ms(seen.timestamp) };
    }
    case "activity": {
      const activity = patch.value as IgInteropActivity;
      return { type: "typing", chat: path.threadId, who: toParticipant(activity.sender), typing: activity.activity_status === 1 };
    }
    case "user": {
      if (patch.op === "remove") return { type: "opt_out", user: path.userId, at: ms((patch.value as IgInteropOptOut).timestamp) };
      const optIn = patch.value as IgInteropOptIn;
      return patch.op === "add" ? { type: "opt_in", user: toInteropUser(optIn), at: ms(optIn.timestamp) } : undefined;
    }
    default:
      return undefined;
  }
}

function itemEvent(patch: IgPatch, chat: string, download: Download): InteropEvent {
  if (patch.op === "add") {
    const item = patch.value as IgInteropItem;
    return { type: "message", chat, id: item.item_id, sender: toParticipant(item.sender), at: ms(item.timestamp), body: body(item, download) };
  }
  if (patch.op === "replace") {
    const edit = patch.value as IgInteropEdit;
    return { type: "edit", chat, id: edit.item_id, sender: toParticipant(edit.sender), at: ms(edit.timestamp), text: edit.text };
  }
  const unsend = patch.value as IgInteropUnsend;
  return { type: "delete", chat, id: unsend.item_id, sender: toParticipant(unsend.sender), at: ms(unsend.timestamp) };
}
