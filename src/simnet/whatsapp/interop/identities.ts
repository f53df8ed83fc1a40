/**
 * Third-party identities: the people a provider can reach on other networks, published with a
 * name, a network badge and a handle the app's users search for. The app knows each by a JID the
 * server gives it (`t…@interop`), stable across renames and across being removed and published
 * again. Rows are cached: every stanza an identity sends is marked with its name and badge.
 */
import { randomBytes } from "node:crypto";
import type { SimnetDatabase } from "../../core/database.js";
import { conflict, notFound } from "../errors.js";
import { INTEROP_LIMITS, INTEROP_SERVER, type Badge, type IdentityInfo, type ThirdPartyMark } from "../interop-protocol.js";

export interface IdentityRow {
  jid: string;
  provider: string;
  id: string;
  name: string;
  network: Badge;
  handle: string;
  removed: number;
  created_at: number;
}

export interface IdentitySpec {
  id: string;
  name: string;
  network: Badge;
  handle: string;
}

export class Identities {
  private readonly cache = new Map<string, IdentityRow | undefined>();
  private readonly byJidStmt;
  private readonly byIdStmt;
  private readonly byHandle;
  private readonly upsert;
  private readonly markRemoved;
  private readonly searchStmt;

  constructor(
    db: SimnetDatabase,
    private readonly now: () => number,
  ) {
    this.byJidStmt = db.prepare<[string], IdentityRow>("SELECT * FROM interop_identities WHERE jid = ?");
    this.byIdStmt = db.prepare<[string, string], IdentityRow>("SELECT * FROM interop_identities WHERE provider = ? AND id = ?");
    this.byHandle = db.prepare<[string, string], { id: string }>("SELECT id FROM interop_identities WHERE provider = ? AND handle = ? COLLATE NOCASE AND removed = 0");
    this.upsert = db.prepare<[string, string, string, string, string, string, number]>(
      `INSERT INTO interop_identities (jid, provider, id, name, network, handle, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (provider, id) DO UPDATE SET name = excluded.name, network = excluded.network, handle = excluded.handle, removed = 0`,
    );
    this.markRemoved = db.prepare<[string]>("UPDATE interop_identities SET removed = 1 WHERE jid = ?");
    // Handles by prefix, names anywhere, case ignored; revoked providers' identities are gone.
    this.searchStmt = db.prepare<{ prefix: string; infix: string; limit: number }, IdentityRow>(
      `SELECT i.* FROM interop_identities i JOIN interop_providers p ON p.id = i.provider
       WHERE i.removed = 0 AND p.revoked_at IS NULL
         AND (i.handle LIKE @prefix ESCAPE '\\' OR i.name LIKE @infix ESCAPE '\\')
       ORDER BY i.handle LIMIT @limit`,
    );
  }

  /** Publishes or updates an identity; its handle must be free among the provider's others. */
  publish(provider: string, spec: IdentitySpec): IdentityRow {
    const holder = this.byHandle.get(provider, spec.handle);
    if (holder && holder.id !== spec.id) throw conflict("handle_taken", `another identity of this provider has the handle '${spec.handle}'`);
    const existing = this.byIdStmt.get(provider, spec.id);
    const jid = existing?.jid ?? `t${randomBytes(8).toString("hex")}@${INTEROP_SERVER}`;
    this.upsert.run(jid, provider, spec.id, spec.name, spec.network, spec.handle, this.now());
    this.cache.delete(jid);
    return this.byJid(jid) as IdentityRow;
  }

  remove(jid: string): void {
    this.markRemoved.run(jid);
    this.cache.delete(jid);
  }

  /** Any identity ever published under this JID, removed ones included. */
  byJid(jid: string): IdentityRow | undefined {
    if (!this.cache.has(jid)) this.cache.set(jid, this.byJidStmt.get(jid));
    return this.cache.get(jid);
  }

  /** A published identity of `provider`, or a 404. */
  require(provider: string, id: string): IdentityRow {
    const row = this.byIdStmt.get(provider, id);
    if (!row || row.removed) throw notFound("identity_not_found", `this provider has no published identity '${id}'`);
    return row;
  }

  search(query: string): IdentityRow[] {
    const escaped = query.replace(/[\\%_]/g, (c) => `\\${c}`);
    return this.searchStmt.all({ prefix: `${escaped}%`, infix: `%${escaped}%`, limit: INTEROP_LIMITS.maxSearchResults });
  }

  /** How the app marks what this identity sends. */
  mark(jid: string): ThirdPartyMark | undefined {
    const row = this.byJid(jid);
    return row && { provider: row.provider, id: row.id, name: row.name, network: row.network };
  }
}

export function identityInfo(row: IdentityRow): IdentityInfo {
  return { provider: row.provider, id: row.id, name: row.name, network: row.network, jid: row.jid, handle: row.handle };
}
