/** Stored rows as a given viewer sees them on the wire. */
import type { Messenger } from "./services.js";
import { toWireMessage, type MessageRow } from "./store/messages.js";
import { toWireThread, type ThreadRow } from "./store/threads.js";
import type { WireMessage, WireThread } from "./protocol.js";

export function threadView(m: Messenger, thread: ThreadRow, viewer: string): WireThread {
  const view = toWireThread(thread, m.threads.participants(thread.key), viewer);
  const provider = m.interop.registry.provider(thread.key);
  const row = provider === undefined ? undefined : m.interop.providers.get(provider);
  if (row) view.third_party_provider = { id: row.id, name: row.name };
  return view;
}

function messageView(m: Messenger, row: MessageRow, viewer: string): WireMessage {
  return toWireMessage(row, viewer, m.messages.reactions(row.id));
}

/** The latest `limit` messages before `beforeSeq`, oldest first. */
export function latestMessages(m: Messenger, threadKey: string, viewer: string, limit: number, beforeSeq?: number): WireMessage[] {
  return m.messages
    .before(threadKey, limit, beforeSeq)
    .reverse()
    .map((row) => messageView(m, row, viewer));
}
