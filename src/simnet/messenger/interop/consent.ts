/**
 * The "third-party chats" setting (off until the user turns it on) and which providers learned
 * of each user, so that opting out can tell exactly those providers and no others.
 */
import type { SimnetDatabase } from "../../core/database.js";
import { forbidden } from "../errors.js";
import { ERROR_CODES } from "../protocol.js";

/** The one answer for someone who has not opted in, whether or not they exist. */
export const notOptedIn = (who: string) =>
  forbidden(ERROR_CODES.notOptedIn, `${who} has not turned on third-party chats (or there is no such user)`);

export class Consent {
  private readonly selectOptIn;
  private readonly insertOptIn;
  private readonly deleteOptIn;
  private readonly everyone;
  private readonly insertKnown;
  private readonly knownBy;
  private readonly forget;

  constructor(db: SimnetDatabase) {
    this.selectOptIn = db.prepare<[string], number>("SELECT 1 FROM interop_opt_ins WHERE account = ?").pluck();
    this.insertOptIn = db.prepare<[string, number]>("INSERT INTO interop_opt_ins (account, since) VALUES (?, ?) ON CONFLICT (account) DO NOTHING");
    this.deleteOptIn = db.prepare<[string]>("DELETE FROM interop_opt_ins WHERE account = ?");
    this.everyone = db.prepare<[], { id: string; name: string }>(
      "SELECT a.id, a.name FROM interop_opt_ins o JOIN accounts a ON a.id = o.account ORDER BY o.since, o.account",
    );
    this.insertKnown = db.prepare<[string, string]>("INSERT INTO interop_known (account, provider) VALUES (?, ?) ON CONFLICT DO NOTHING");
    this.knownBy = db.prepare<[string], string>("SELECT provider FROM interop_known WHERE account = ? ORDER BY provider").pluck();
    this.forget = db.prepare<[string]>("DELETE FROM interop_known WHERE account = ?");
  }

  optedIn(account: string): boolean {
    return this.selectOptIn.get(account) !== undefined;
  }

  /** Refuses the whole action unless every one of `accounts` has third-party chats on. */
  requireOptedIn(accounts: Iterable<string>): void {
    for (const account of accounts) if (!this.optedIn(account)) throw notOptedIn(`'${account}'`);
  }

  /** Turns the setting on; false when it already was. */
  optIn(account: string, at: number): boolean {
    return this.insertOptIn.run(account, at).changes > 0;
  }

  /** Everyone with the setting on, as a lookup names them. */
  optedInUsers(): { id: string; name: string }[] {
    return this.everyone.all();
  }

  /** Turns the setting off; returns the providers that knew the user (and forgets them). */
  optOut(account: string): string[] {
    this.deleteOptIn.run(account);
    const providers = this.knownBy.all(account);
    this.forget.run(account);
    return providers;
  }

  /** `provider` now knows of `account` (found it, or shares a chat with it). */
  learn(account: string, provider: string): void {
    this.insertKnown.run(account, provider);
  }
}
