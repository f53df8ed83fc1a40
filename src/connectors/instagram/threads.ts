/**
 * What the connector remembers of threads: each one's kind, title, members and admins (to tell
 * what a thread patch changed), the direct thread of each person (Instagram names direct threads
 * by a server-chosen id, not by the person), and who sent recent items (an unsend names only
 * the item). Filled from listings, lookups and patches; a miss is asked of the server.
 */
import type { ChatInfo, ChatMember, ChatRef } from "../../network/index.js";
import type { IgThread } from "../../simnet/instagram/protocol.js";
import { displayName, type Download } from "./incoming.js";
import { remoteUser } from "./users.js";

export interface ThreadState {
  id: string;
  kind: "direct" | "group";
  title: string;
  /** Everyone but the viewer. */
  others: string[];
  admins: string[];
}

const SENDERS_KEPT = 5000;

export class ThreadCache {
  private readonly threads = new Map<string, ThreadState>();
  private readonly directs = new Map<string, string>();
  private readonly senders = new Map<string, string>();

  remember(thread: IgThread): ThreadState {
    const state: ThreadState = {
      id: thread.thread_id,
      kind: thread.is_group ? "group" : "direct",
      title: thread.thread_title,
      others: thread.users.map((u) => u.pk),
      admins: [...thread.admin_user_ids],
    };
    this.threads.set(state.id, state);
    const peer = thread.users[0];
    if (!thread.is_group && peer) this.directs.set(peer.pk, state.id);
    return state;
  }

  get(threadId: string): ThreadState | undefined {
    return this.threads.get(threadId);
  }

  forget(threadId: string): void {
    this.threads.delete(threadId);
  }

  directWith(user: string): string | undefined {
    return this.directs.get(user);
  }

  /** A known thread `user` is in: their direct thread first, else any group (any thread for the viewer). */
  threadWith(user: string, viewer: string): ThreadState | undefined {
    const direct = this.directs.get(user);
    if (direct !== undefined && this.threads.has(direct)) return this.threads.get(direct);
    for (const state of this.threads.values()) if (user === viewer || state.others.includes(user)) return state;
    return undefined;
  }

  noteSender(itemId: string, sender: string): void {
    this.senders.set(itemId, sender);
    if (this.senders.size > SENDERS_KEPT) this.senders.delete(this.senders.keys().next().value!);
  }

  senderOf(itemId: string): string | undefined {
    return this.senders.get(itemId);
  }
}

export const chatRef = (state: ThreadState): ChatRef => ({ id: state.id, kind: state.kind });

/** A thread as ChatInfo: everyone with their role (Instagram has admins, no owner), the peer of a direct one. */
export function chatInfo(thread: IgThread, viewer: string, download: Download): ChatInfo {
  const admins = new Set(thread.admin_user_ids);
  const members: ChatMember[] = [viewer, ...thread.users.map((u) => u.pk)].map((id) => ({ id, role: admins.has(id) ? "admin" : "member" }));
  const peer = thread.is_group ? undefined : thread.users[0];
  return {
    id: thread.thread_id,
    kind: thread.is_group ? "group" : "direct",
    name: peer ? displayName(peer) : thread.thread_title,
    members,
    ...(peer ? { peer: remoteUser(peer, download) } : {}),
  };
}
