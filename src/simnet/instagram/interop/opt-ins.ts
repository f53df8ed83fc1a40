/** The "third-party chats" setting of each account: off unless the user turned it on. */
import type { SimnetDatabase } from "../../core/database.js";
import type { IgInteropUser } from "../protocol.js";

export class OptIns {
  private readonly s;

  constructor(
    db: SimnetDatabase,
    private readonly now: () => number,
  ) {
    this.s = {
      get: db.prepare<[string], { enabled: number }>("SELECT enabled FROM interop_opt_ins WHERE pk = ?"),
      set: db.prepare<[string, number, number]>(
        `INSERT INTO interop_opt_ins (pk, enabled, changed_at) VALUES (?, ?, ?)
         ON CONFLICT (pk) DO UPDATE SET enabled = excluded.enabled, changed_at = excluded.changed_at`,
      ),
      users: db.prepare<[], IgInteropUser>(
        `SELECT a.pk AS user_id, a.username, a.full_name FROM interop_opt_ins o JOIN accounts a ON a.pk = o.pk
         WHERE o.enabled = 1 ORDER BY a.sequence`,
      ),
    };
  }

  isOptedIn(pk: string): boolean {
    return this.s.get.get(pk)?.enabled === 1;
  }

  /** Everyone with the setting on, as a provider sees them. */
  users(): IgInteropUser[] {
    return this.s.users.all();
  }

  /** Returns whether the setting changed. */
  set(pk: string, enabled: boolean): boolean {
    if (this.isOptedIn(pk) === enabled) return false;
    this.s.set.run(pk, enabled ? 1 : 0, this.now());
    return true;
  }
}
