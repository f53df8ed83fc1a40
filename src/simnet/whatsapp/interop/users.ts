/**
 * The id each provider knows a user by: random, one per provider and user, stable, and never
 * the phone number (nor derived from it, so it cannot be reversed by trying numbers). It is made
 * the first time a provider meets the user: a lookup that found them, a chat with them, their
 * opt-in, or the list of everyone opted in.
 */
import { randomBytes } from "node:crypto";
import type { SimnetDatabase } from "../../core/database.js";
import type { WireUser } from "../interop-protocol.js";

export class InteropUsers {
  private readonly byUser = new Map<string, string>();
  private readonly select;
  private readonly insert;
  private readonly byId;
  private readonly providersOfUser;
  private readonly optedInAccounts;

  constructor(db: SimnetDatabase) {
    this.select = db.prepare<[string, string], { id: string }>("SELECT id FROM interop_users WHERE provider = ? AND user = ?");
    this.insert = db.prepare<[string, string, string]>("INSERT INTO interop_users (provider, user, id) VALUES (?, ?, ?)");
    this.byId = db.prepare<[string], { provider: string; user: string }>("SELECT provider, user FROM interop_users WHERE id = ?");
    this.providersOfUser = db.prepare<[string], { provider: string; id: string }>("SELECT provider, id FROM interop_users WHERE user = ? ORDER BY provider");
    this.optedInAccounts = db.prepare<[], { jid: string; push_name: string }>("SELECT jid, push_name FROM accounts WHERE third_party_chats = 1 ORDER BY created_at, jid");
  }

  /** The user's id toward `provider`, made on first use. */
  idFor(provider: string, user: string): string {
    const key = `${provider}|${user}`;
    let id = this.byUser.get(key) ?? this.select.get(provider, user)?.id;
    if (id === undefined) {
      id = `u${randomBytes(8).toString("hex")}`;
      this.insert.run(provider, user, id);
    }
    this.byUser.set(key, id);
    return id;
  }

  /** The user `provider` knows by `id`; undefined for an id it was never given. */
  userOf(provider: string, id: string): string | undefined {
    const row = this.byId.get(id);
    return row?.provider === provider ? row.user : undefined;
  }

  /** Everyone with third-party chats on, as `provider` knows them (ids made as needed). */
  optedIn(provider: string): WireUser[] {
    return this.optedInAccounts.all().map((row) => ({ id: this.idFor(provider, row.jid), name: row.push_name }));
  }

  /** Every provider that knows the user, with the user's id there. */
  providersOf(user: string): { provider: string; id: string }[] {
    return this.providersOfUser.all(user);
  }
}
