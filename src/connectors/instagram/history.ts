/**
 * Recent messages of a thread, oldest first. Instagram pages a thread newest first by item id;
 * edits are already applied to the stored text and unsent items are gone, so only action logs
 * and items the bridge cannot show are skipped. `after` stops at an item already handled, so a
 * resync asks only for what is newer than it.
 */
import type { ChatRef, MessageEvent } from "../../network/index.js";
import type { InstagramClient } from "../../simnet/instagram/client/client.js";
import { LIMITS, type IgThread } from "../../simnet/instagram/protocol.js";
import { isLaterItem } from "./ids.js";
import { messageEvent, type Viewer } from "./incoming.js";

export interface HistoryOptions {
  /** Only items later than this item id. */
  after?: string;
  /** Told of each page's thread (its members and title are fresh). */
  onThread?: (thread: IgThread) => void;
}

export async function recentMessages(client: InstagramClient, chat: ChatRef, limit: number, viewer: Viewer, options: HistoryOptions = {}): Promise<MessageEvent[]> {
  const { after, onThread } = options;
  const messages: MessageEvent[] = [];
  let cursor: string | undefined;
  while (messages.length < limit) {
    const thread = await client.thread(chat.id, { limit: Math.min(LIMITS.threadPageMax, Math.max(1, limit - messages.length)), ...(cursor ? { cursor } : {}) });
    onThread?.(thread);
    for (const item of thread.items) {
      if (after !== undefined && !isLaterItem(item.item_id, after)) return messages.reverse();
      const event = messageEvent(chat, item, viewer);
      if (event && messages.length < limit) messages.push(event);
    }
    if (!thread.has_older || !thread.oldest_cursor || thread.items.length === 0) break;
    cursor = thread.oldest_cursor;
  }
  return messages.reverse();
}
