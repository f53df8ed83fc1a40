/**
 * Which threads are third-party chats, and whose: each belongs to the one provider whose
 * identities are in it. Asked on every send, so answers (including "not one") are cached; a
 * thread's mark never changes once made.
 */
import type { SimnetDatabase } from "../../core/database.js";

export interface MarkedThread {
  thread_id: string;
  provider_id: string;
  created_at: number;
}

export class ThirdPartyThreads {
  private readonly cache = new Map<string, string | null>();
  private readonly s;

  constructor(
    db: SimnetDatabase,
    private readonly now: () => number,
  ) {
    this.s = {
      get: db.prepare<[string], { provider_id: string }>("SELECT provider_id FROM interop_threads WHERE thread_id = ?"),
      insert: db.prepare<[string, string, number]>("INSERT OR IGNORE INTO interop_threads (thread_id, provider_id, created_at) VALUES (?, ?, ?)"),
      all: db.prepare<[], MarkedThread>("SELECT thread_id, provider_id, created_at FROM interop_threads ORDER BY created_at, thread_id"),
      byProvider: db.prepare<[string], MarkedThread>("SELECT thread_id, provider_id, created_at FROM interop_threads WHERE provider_id = ? ORDER BY created_at, thread_id"),
      ofMember: db.prepare<[string], { thread_id: string }>(
        "SELECT i.thread_id FROM participants p JOIN interop_threads i ON i.thread_id = p.thread_id WHERE p.pk = ? ORDER BY i.created_at",
      ),
    };
  }

  /** The provider a thread belongs to; undefined for an ordinary thread. */
  providerOf(threadId: string): string | undefined {
    let provider = this.cache.get(threadId);
    if (provider === undefined) {
      provider = this.s.get.get(threadId)?.provider_id ?? null;
      this.cache.set(threadId, provider);
    }
    return provider ?? undefined;
  }

  mark(threadId: string, providerId: string): void {
    this.s.insert.run(threadId, providerId, this.now());
    this.cache.set(threadId, this.s.get.get(threadId)!.provider_id);
  }

  /** The third-party chats `pk` is in. */
  of(pk: string): string[] {
    return this.s.ofMember.all(pk).map((row) => row.thread_id);
  }

  list(providerId?: string): MarkedThread[] {
    return providerId === undefined ? this.s.all.all() : this.s.byProvider.all(providerId);
  }
}
