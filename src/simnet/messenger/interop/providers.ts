/**
 * Registered third-party providers. The token is returned once and kept as a hash; a revoked
 * provider keeps its row (its chats still name it) but its token no longer opens anything.
 * Rows are cached: every delta of a third-party chat asks whether its provider is still live.
 */
import { hashToken, newToken } from "../../core/credentials.js";
import type { SimnetDatabase } from "../../core/database.js";
import type { IdAllocator } from "../ids.js";
import type { WireProvider } from "../protocol.js";

export interface ProviderRow {
  id: string;
  name: string;
  created_at: number;
  revoked_at: number | null;
}

const COLUMNS = "id, name, created_at, revoked_at";

export class Providers {
  private readonly cache = new Map<string, ProviderRow>();
  private readonly insert;
  private readonly byId;
  private readonly byToken;
  private readonly all;
  private readonly markRevoked;

  constructor(
    db: SimnetDatabase,
    private readonly ids: IdAllocator,
  ) {
    this.insert = db.prepare<[string, string, string, number]>("INSERT INTO interop_providers (id, name, token_hash, created_at) VALUES (?, ?, ?, ?)");
    this.byId = db.prepare<[string], ProviderRow>(`SELECT ${COLUMNS} FROM interop_providers WHERE id = ?`);
    this.byToken = db.prepare<[string], ProviderRow>(`SELECT ${COLUMNS} FROM interop_providers WHERE token_hash = ? AND revoked_at IS NULL`);
    this.all = db.prepare<[], ProviderRow>(`SELECT ${COLUMNS} FROM interop_providers ORDER BY created_at, id`);
    this.markRevoked = db.prepare<[number, string]>("UPDATE interop_providers SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
  }

  register(name: string, at: number): { provider: ProviderRow; token: string } {
    const token = newToken(32);
    const provider: ProviderRow = { id: this.ids.provider(), name, created_at: at, revoked_at: null };
    this.insert.run(provider.id, name, hashToken(token), at);
    return { provider, token };
  }

  get(id: string): ProviderRow | undefined {
    let row = this.cache.get(id);
    if (!row) {
      row = this.byId.get(id);
      if (row) this.cache.set(id, row);
    }
    return row;
  }

  /** The live (not revoked) provider a token belongs to. */
  findByToken(token: string | undefined): ProviderRow | undefined {
    return token ? this.byToken.get(hashToken(token)) : undefined;
  }

  list(): ProviderRow[] {
    return this.all.all();
  }

  /** Returns the provider as it is afterwards; revoking twice keeps the first time. */
  revoke(id: string, at: number): ProviderRow | undefined {
    this.markRevoked.run(at, id);
    this.cache.delete(id);
    return this.get(id);
  }
}

export function toWireProvider(row: ProviderRow): WireProvider {
  return { id: row.id, name: row.name, created_at: row.created_at, revoked_at: row.revoked_at };
}
