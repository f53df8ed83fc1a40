/**
 * A thread's recent messages, oldest first, with edits already applied (Messenger keeps only the
 * latest text). Unsent messages and ones with nothing to show are skipped, and older pages are
 * fetched until `limit` messages are found or the thread's history ends.
 */
import type { MessageEvent, RemoteChatId } from "../../network/index.js";
import { LIMITS } from "../../simnet/messenger/protocol.js";
import { messageEvent, type IncomingContext } from "./incoming.js";

export async function recentMessages(ctx: IncomingContext, chat: RemoteChatId, limit: number): Promise<MessageEvent[]> {
  const found: MessageEvent[] = [];
  let before: string | undefined;
  while (found.length < limit) {
    const page = await ctx.api.messages(chat, { limit: Math.min(LIMITS.maxPageSize, Math.max(1, limit - found.length)), ...(before !== undefined ? { before } : {}) });
    const events = (await Promise.all(page.messages.map((m) => messageEvent(ctx, m, m.sender_id === ctx.self)))).filter((e): e is MessageEvent => e !== undefined);
    found.unshift(...events);
    if (page.next_before === null || page.messages.length === 0) break;
    before = page.next_before;
  }
  return found.slice(-limit);
}
