/**
 * Third-party identities: the people a provider can reach on other networks, published with a
 * provider-chosen id, a name, a network badge and a handle native users search for. Native
 * clients know each by a pk from a range of its own (`17849…`, never an account's), so threads,
 * items, reactions and seen markers hold them exactly as they hold accounts. A removed identity
 * keeps its row (old items still name it) and comes back with the same pk if published again.
 */
import type { SimnetDatabase } from "../../core/database.js";
import { badRequest } from "../../core/protocol-error.js";
import { notFound } from "../errors.js";
import type { IgInteropBadge, IgInteropIdentity, IgThirdPartyBadge, IgUser } from "../protocol.js";

const PK_BASE = 17849000000000000n;
const LOWEST_PK = PK_BASE.toString();

/** Whether a pk names a third-party identity rather than an account (same length, a range above every account's). */
export const isThirdPartyPk = (pk: string): boolean => pk.length === LOWEST_PK.length && pk > LOWEST_PK;

const pkOf = (sequence: number) => (PK_BASE + BigInt(sequence)).toString();
const sequenceOf = (pk: string) => Number(BigInt(pk) - PK_BASE);

export interface Identity {
  pk: string;
  providerId: string;
  id: string;
  name: string;
  network: IgInteropBadge;
  handle: string;
  removed: boolean;
}

export interface IdentitySpec {
  id: string;
  name: string;
  network: IgInteropBadge;
  handle: string;
}

interface Row {
  sequence: number;
  provider_id: string;
  identity_id: string;
  name: string;
  network: IgInteropBadge;
  handle: string;
  removed: number;
}

const COLUMNS = "sequence, provider_id, identity_id, name, network, handle, removed";
const toIdentity = (row: Row): Identity => ({
  pk: pkOf(row.sequence),
  providerId: row.provider_id,
  id: row.identity_id,
  name: row.name,
  network: row.network,
  handle: row.handle,
  removed: row.removed === 1,
});

const ID_PATTERN = /^[A-Za-z0-9._:=-]{1,128}$/;
const HANDLE_PATTERN = /^[^\s\p{Cc}]{1,64}$/u;
const SEARCH_LIMIT = 50;

function checkSpec(spec: IdentitySpec): IdentitySpec {
  if (!ID_PATTERN.test(spec.id)) throw badRequest("invalid_third_party_id", "a third-party id is 1-128 of A-Z a-z 0-9 . _ : = -");
  const name = spec.name.trim();
  if (name.length === 0 || [...name].length > 64 || /\p{Cc}/u.test(name)) throw badRequest("invalid_full_name", "a third-party name has 1 to 64 characters and no control characters");
  if (!HANDLE_PATTERN.test(spec.handle)) throw badRequest("invalid_handle", "a handle has 1 to 64 characters, no spaces");
  return { ...spec, name };
}

export function badgeOf(identity: Identity): IgThirdPartyBadge {
  return { provider_id: identity.providerId, id: identity.id, name: identity.name, network: identity.network };
}

export function describeIdentity(identity: Identity): IgInteropIdentity {
  return { third_party_id: identity.id, name: identity.name, network: identity.network, handle: identity.handle, pk: identity.pk, removed: identity.removed };
}

export class Identities {
  private readonly byPkCache = new Map<string, Identity>();
  private readonly s;

  constructor(
    db: SimnetDatabase,
    private readonly now: () => number,
  ) {
    this.s = {
      get: db.prepare<[number], Row>(`SELECT ${COLUMNS} FROM interop_identities WHERE sequence = ?`),
      own: db.prepare<[string, string], Row>(`SELECT ${COLUMNS} FROM interop_identities WHERE provider_id = ? AND identity_id = ?`),
      handleTaken: db.prepare<[string, string, string], { n: number }>(
        "SELECT COUNT(*) AS n FROM interop_identities WHERE provider_id = ? AND removed = 0 AND lower(handle) = lower(?) AND identity_id <> ?",
      ),
      insert: db.prepare<[string, string, string, string, string, number]>(
        "INSERT INTO interop_identities (provider_id, identity_id, name, network, handle, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
      ),
      update: db.prepare<[string, string, string, number, number]>(
        "UPDATE interop_identities SET name = ?, network = ?, handle = ?, removed = 0, updated_at = ? WHERE sequence = ?",
      ),
      remove: db.prepare<[number, number]>("UPDATE interop_identities SET removed = 1, updated_at = ? WHERE sequence = ?"),
      list: db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM interop_identities WHERE provider_id = ? ORDER BY sequence`),
      // LIKE is case-insensitive for ASCII; only providers still registered are searched.
      search: db.prepare<[string, string, number], Row>(
        `SELECT ${COLUMNS} FROM interop_identities i WHERE removed = 0
           AND EXISTS (SELECT 1 FROM interop_providers p WHERE p.id = i.provider_id AND p.revoked_at IS NULL)
           AND (handle LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\')
         ORDER BY length(handle), handle LIMIT ?`,
      ),
    };
  }

  /** Publishes or updates an identity; `changed` tells whether native clients must hear of it. */
  publish(providerId: string, raw: IdentitySpec): { identity: Identity; changed: boolean } {
    const spec = checkSpec(raw);
    if ((this.s.handleTaken.get(providerId, spec.handle, spec.id)?.n ?? 0) > 0) throw badRequest("handle_taken", `another identity of this provider has the handle ${spec.handle}`);
    const existing = this.s.own.get(providerId, spec.id);
    const now = this.now();
    if (!existing) {
      const { lastInsertRowid } = this.s.insert.run(providerId, spec.id, spec.name, spec.network, spec.handle, now);
      return { identity: this.byPk(pkOf(Number(lastInsertRowid)))!, changed: false };
    }
    const before = toIdentity(existing);
    this.s.update.run(spec.name, spec.network, spec.handle, now, existing.sequence);
    this.byPkCache.delete(before.pk);
    const changed = before.name !== spec.name || before.network !== spec.network || before.handle !== spec.handle;
    return { identity: this.byPk(before.pk)!, changed };
  }

  /** Marks an identity removed; the caller takes it out of its threads. */
  remove(identity: Identity): void {
    this.s.remove.run(this.now(), sequenceOf(identity.pk));
    this.byPkCache.delete(identity.pk);
  }

  byPk(pk: string): Identity | undefined {
    if (!isThirdPartyPk(pk)) return undefined;
    let identity = this.byPkCache.get(pk);
    if (!identity) {
      const row = this.s.get.get(sequenceOf(pk));
      if (!row) return undefined;
      identity = toIdentity(row);
      this.byPkCache.set(pk, identity);
    }
    return identity;
  }

  /** One of the provider's identities, published and not removed. */
  own(providerId: string, id: string): Identity {
    const row = ID_PATTERN.test(id) ? this.s.own.get(providerId, id) : undefined;
    if (!row || row.removed === 1) throw notFound("third_party_not_found", `No published identity ${id.slice(0, 128)}`);
    return toIdentity(row);
  }

  list(providerId: string): Identity[] {
    return this.s.list.all(providerId).map(toIdentity);
  }

  /** Published identities whose handle or name holds `query`. */
  search(query: string): Identity[] {
    const pattern = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return this.s.search.all(pattern, pattern, SEARCH_LIMIT).map(toIdentity);
  }

  /** The identity as a native client sees it: a user with its handle as username and a badge. */
  user(identity: Identity): IgUser {
    return {
      pk: identity.pk,
      pk_id: identity.pk,
      username: identity.handle,
      full_name: identity.name,
      profile_pic_url: null,
      profile_pic_id: null,
      is_private: false,
      is_verified: false,
      third_party: badgeOf(identity),
    };
  }
}
