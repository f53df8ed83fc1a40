/**
 * Third-party providers: registered through the admin API, each with a numeric id (like an app
 * id) and a bearer token shown once and stored hashed. A revoked provider's token stops working
 * at once, and the listeners close its realtime connection.
 */
import { randomInt } from "node:crypto";
import type { SimnetDatabase } from "../../core/database.js";
import { hashToken, newToken } from "../../core/credentials.js";
import { badRequest, unauthorized } from "../../core/protocol-error.js";
import { notFound } from "../errors.js";
import { INTEROP_TOKEN_PREFIX, type IgInteropProvider } from "../protocol.js";

interface Row {
  id: string;
  name: string;
  created_at: number;
  revoked_at: number | null;
}

const toProvider = (row: Row): IgInteropProvider => ({ provider_id: row.id, name: row.name, created_at: row.created_at, revoked_at: row.revoked_at });

export class Providers {
  private readonly byToken = new Map<string, IgInteropProvider>();
  private readonly revokedListeners = new Set<(provider: IgInteropProvider) => void>();
  private readonly s;

  constructor(
    db: SimnetDatabase,
    private readonly now: () => number,
  ) {
    this.s = {
      insert: db.prepare<[string, string, string, number]>("INSERT INTO interop_providers (id, name, token_hash, created_at) VALUES (?, ?, ?, ?)"),
      get: db.prepare<[string], Row>("SELECT id, name, created_at, revoked_at FROM interop_providers WHERE id = ?"),
      byHash: db.prepare<[string], Row>("SELECT id, name, created_at, revoked_at FROM interop_providers WHERE token_hash = ? AND revoked_at IS NULL"),
      all: db.prepare<[], Row>("SELECT id, name, created_at, revoked_at FROM interop_providers ORDER BY created_at, id"),
      active: db.prepare<[], { id: string }>("SELECT id FROM interop_providers WHERE revoked_at IS NULL"),
      revoke: db.prepare<[number, string]>("UPDATE interop_providers SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"),
    };
  }

  /** Registers a provider; the token (with its `IGI:1:` prefix) is returned this once. */
  register(name: string): { provider: IgInteropProvider; token: string } {
    const trimmed = name.trim();
    if (trimmed.length === 0 || [...trimmed].length > 64) throw badRequest("invalid_name", "a provider's name has 1 to 64 characters");
    // 15 digits, like an app id (randomInt reaches 2^48 at the most).
    const id = `${randomInt(1, 10)}${String(randomInt(0, 1e14)).padStart(14, "0")}`;
    const token = newToken();
    this.s.insert.run(id, trimmed, hashToken(token), this.now());
    return { provider: this.require(id), token: `${INTEROP_TOKEN_PREFIX}${token}` };
  }

  require(id: string): IgInteropProvider {
    const row = this.s.get.get(id);
    if (!row) throw notFound("provider_not_found", `Provider not found: ${id}`);
    return toProvider(row);
  }

  isActive(id: string): boolean {
    const row = this.s.get.get(id);
    return row !== undefined && row.revoked_at === null;
  }

  list(): IgInteropProvider[] {
    return this.s.all.all().map(toProvider);
  }

  /** The ids of every provider not revoked. */
  activeIds(): string[] {
    return this.s.active.all().map((row) => row.id);
  }

  /** The provider a bearer token belongs to, or Instagram's `login_required`. */
  authenticate(token: string | undefined): IgInteropProvider {
    if (token === undefined || !token.startsWith(INTEROP_TOKEN_PREFIX)) throw unauthorized("a provider token is required");
    const cached = this.byToken.get(token);
    if (cached) return cached;
    const row = this.s.byHash.get(hashToken(token.slice(INTEROP_TOKEN_PREFIX.length)));
    if (!row) throw unauthorized("the provider token is not valid (revoked or unknown)");
    const provider = toProvider(row);
    this.byToken.set(token, provider);
    return provider;
  }

  revoke(id: string): IgInteropProvider {
    this.require(id);
    if (this.s.revoke.run(this.now(), id).changes > 0) {
      for (const [token, provider] of this.byToken) if (provider.provider_id === id) this.byToken.delete(token);
      const revoked = this.require(id);
      for (const listener of this.revokedListeners) listener(revoked);
    }
    return this.require(id);
  }

  onRevoked(listener: (provider: IgInteropProvider) => void): () => void {
    this.revokedListeners.add(listener);
    return () => this.revokedListeners.delete(listener);
  }
}
