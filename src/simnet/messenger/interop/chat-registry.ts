/**
 * Which threads are third-party chats, and the provider of each. Held in memory as well (loaded
 * at start, a few bytes per chat): every delta asks whether its thread is one, and ordinary
 * threads must not pay a query for the answer.
 */
import type { SimnetDatabase } from "../../core/database.js";

export class ChatRegistry {
  private readonly providerOf = new Map<string, string>();
  private readonly insert;
  private readonly ofProvider;
  private readonly ofAccount;

  constructor(db: SimnetDatabase) {
    for (const row of db.prepare<[], { thread: string; provider: string }>("SELECT thread, provider FROM interop_threads").all()) {
      this.providerOf.set(row.thread, row.provider);
    }
    this.insert = db.prepare<[string, string]>("INSERT INTO interop_threads (thread, provider) VALUES (?, ?)");
    this.ofProvider = db.prepare<[string], string>("SELECT thread FROM interop_threads WHERE provider = ? ORDER BY thread").pluck();
    this.ofAccount = db
      .prepare<[string], string>("SELECT p.thread FROM participants p JOIN interop_threads t ON t.thread = p.thread WHERE p.account = ? ORDER BY p.thread")
      .pluck();
  }

  /**
   * Records a new third-party chat. Call it inside the transaction that creates the thread;
   * the memory entry of a rolled-back one names a thread that does not exist, and nothing
   * reaches a thread that does not exist.
   */
  add(thread: string, provider: string): void {
    this.insert.run(thread, provider);
    this.providerOf.set(thread, provider);
  }

  /** The provider bridging `thread`, or undefined for an ordinary thread. */
  provider(thread: string): string | undefined {
    return this.providerOf.get(thread);
  }

  /** The third-party chats a Messenger user is in. */
  chatsOf(account: string): string[] {
    return this.ofAccount.all(account);
  }

  /** Every chat of a provider (all providers when undefined), by key. */
  chats(provider?: string): string[] {
    if (provider !== undefined) return this.ofProvider.all(provider);
    return [...this.providerOf.keys()].sort();
  }
}
