/**
 * What this session itself did, remembered until Messenger echoes it back: every change reaches
 * all of an account's sessions as an `own` delta, the acting one included, and the core already
 * has what the bridge sent. Echoes of changes made elsewhere (the phone) are not remembered here,
 * so they still reach the core.
 */
import type { MessengerDelta } from "../../simnet/messenger/protocol.js";

const MAX_REMEMBERED = 2_000;

/** Messenger trims group names (and an empty one clears the name), so the echo is compared trimmed. */
export const threadNameKey = (thread: string, name: string | null) => `name:${thread}:${(name ?? "").trim()}`;
export const threadImageKey = (thread: string, attachment: string | null) => `image:${thread}:${attachment ?? ""}`;

export function echoKeyOf(delta: MessengerDelta): string | undefined {
  switch (delta.type) {
    case "new_message":
      return delta.message.offline_threading_id !== null ? `send:${delta.message.offline_threading_id}` : undefined;
    case "message_edited":
      return `edit:${delta.message_id}:${delta.text}`;
    case "message_unsent":
      return `unsend:${delta.message_id}`;
    case "reaction":
      return `react:${delta.message_id}:${delta.emoji ?? ""}`;
    case "read_receipt":
      return `read:${delta.thread_id}`;
    case "thread_name":
      return threadNameKey(delta.thread_id, delta.name);
    case "thread_image":
      return threadImageKey(delta.thread_id, delta.image_attachment_id);
    default:
      return undefined;
  }
}

export class OwnEchoes {
  private readonly expected = new Set<string>();

  expect(key: string): void {
    this.expected.add(key);
    // Oldest first: a change whose echo never came (a failed call) is forgotten eventually.
    if (this.expected.size > MAX_REMEMBERED) this.expected.delete(this.expected.values().next().value as string);
  }

  /** Whether the delta is the echo of something this session did (each echo is recognised once). */
  take(delta: MessengerDelta & { own: boolean }): boolean {
    if (!delta.own) return false;
    const key = echoKeyOf(delta);
    return key !== undefined && this.expected.delete(key);
  }
}
