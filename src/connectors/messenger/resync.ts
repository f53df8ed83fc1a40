/**
 * What a resynchronisation hands over once Messenger no longer has the deltas after the
 * bridge's position: the messages sent since the newest one the bridge had handed over, taken
 * from the snapshot's threads, oldest first. A thread whose snapshot page is all newer than that
 * is paged further back, so a long gap loses nothing. Messages sent in the same millisecond as
 * the newest one seen are offered again: the message map drops those it already has. Without a
 * mark (a login that never stopped cleanly) only the snapshot's own messages can be offered.
 */
import type { MessengerApi } from "../../simnet/messenger/client/api.js";
import { LIMITS, type Snapshot, type WireMessage } from "../../simnet/messenger/protocol.js";

async function sinceInThread(api: MessengerApi, threadId: string, page: WireMessage[], since: number): Promise<WireMessage[]> {
  const messages = [...page];
  let oldest = messages[0];
  while (oldest !== undefined && oldest.timestamp >= since) {
    const older = await api.messages(threadId, { limit: LIMITS.maxPageSize, before: oldest.id });
    messages.unshift(...older.messages);
    oldest = older.next_before === null ? undefined : older.messages[0];
  }
  return messages.filter((m) => m.timestamp >= since);
}

export async function messagesSince(api: MessengerApi, snapshot: Snapshot, since: number | undefined): Promise<WireMessage[]> {
  const perThread =
    since === undefined
      ? snapshot.threads.map(({ messages }) => messages)
      : await Promise.all(snapshot.threads.map(({ thread, messages }) => sinceInThread(api, thread.id, messages, since)));
  // A stable sort: messages of one thread sent in the same millisecond keep their order.
  return perThread
    .flat()
    .filter((m) => !m.unsent)
    .sort((a, b) => a.timestamp - b.timestamp);
}
