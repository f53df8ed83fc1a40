/**
 * Realtime patches decoded into typed events a bridge can act on: a new item (marked `fromSelf`
 * when the user sent it from this or another session), an edited or unsent one, a reaction, a
 * seen marker, typing, a thread added, changed or gone, a profile change. What a third-party
 * contact did carries its badge (`thirdParty`; items carry `third_party_sender` themselves).
 */
import { parsePatchPath, type IgItem, type IgPatch, type IgReaction, type IgSeen, type IgThirdPartyBadge, type IgThread, type IgUser } from "../protocol.js";

/** Set when the one who did it is a third-party contact (someone from another network). */
type ByThirdParty = { thirdParty?: IgThirdPartyBadge };

export type InstagramEvent =
  | { type: "item"; threadId: string; item: IgItem; fromSelf: boolean }
  | { type: "item_updated"; threadId: string; item: IgItem }
  | { type: "item_removed"; threadId: string; itemId: string }
  | ({ type: "reaction"; threadId: string; itemId: string; userId: string; emoji: string | null; timestamp?: number } & ByThirdParty)
  | ({ type: "seen"; threadId: string; userId: string; itemId: string; timestamp: number } & ByThirdParty)
  | ({ type: "typing"; threadId: string; userId: string; active: boolean; ttlMs: number } & ByThirdParty)
  | { type: "thread"; op: "add" | "replace" | "remove"; threadId: string; thread?: IgThread }
  | { type: "profile"; user: IgUser }
  | { type: "unknown"; patch: IgPatch };

/** An event with the stream position it came at (absent for ephemeral typing). */
export type PositionedEvent = InstagramEvent & { seqId?: number };

/** The badge a patch's value carries, if a third-party contact did it. */
function byThirdParty(value: unknown): ByThirdParty {
  const badge = (value as { third_party_sender?: IgThirdPartyBadge } | null)?.third_party_sender;
  return badge ? { thirdParty: badge } : {};
}

export function decodePatch(patch: IgPatch, viewer: string): InstagramEvent {
  const path = parsePatchPath(patch.path);
  switch (path.kind) {
    case "item":
      if (patch.op === "remove") return { type: "item_removed", threadId: path.threadId, itemId: path.itemId };
      if (patch.op === "replace") return { type: "item_updated", threadId: path.threadId, item: patch.value as IgItem };
      return { type: "item", threadId: path.threadId, item: patch.value as IgItem, fromSelf: (patch.value as IgItem).user_id === viewer };
    case "reaction": {
      const reaction = patch.op === "remove" ? undefined : (patch.value as IgReaction);
      return {
        type: "reaction",
        threadId: path.threadId,
        itemId: path.itemId,
        userId: path.userId,
        emoji: reaction?.emoji ?? null,
        ...(reaction ? { timestamp: reaction.timestamp } : {}),
        ...byThirdParty(patch.value),
      };
    }
    case "seen": {
      const seen = patch.value as IgSeen;
      return { type: "seen", threadId: path.threadId, userId: path.userId, itemId: seen.item_id, timestamp: seen.timestamp, ...byThirdParty(seen) };
    }
    case "activity": {
      const value = patch.value as { activity_status: number; ttl: number };
      return { type: "typing", threadId: path.threadId, userId: path.userId, active: value.activity_status === 1, ttlMs: value.ttl, ...byThirdParty(value) };
    }
    case "thread":
      return { type: "thread", op: patch.op, threadId: path.threadId, ...(patch.op !== "remove" ? { thread: patch.value as IgThread } : {}) };
    case "user":
      return { type: "profile", user: patch.value as IgUser };
    default:
      return { type: "unknown", patch };
  }
}
