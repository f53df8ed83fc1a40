/**
 * Third-party providers: registered through the admin API with a name and a device key
 * (X25519), authenticated by a token, revocable. A provider is a device like any other for the
 * encryption: it has one key for all its identities, and its encrypted copies are stored under
 * its id as if that were a device's session.
 */
import { randomBytes } from "node:crypto";
import type { SimnetDatabase } from "../../core/database.js";
import { unauthorized } from "../../core/protocol-error.js";
import type { Sessions } from "../../core/sessions.js";
import type { DeviceRow } from "../accounts.js";
import { notFound } from "../errors.js";
import { providerDeviceJid, type ProviderInfo } from "../interop-protocol.js";

export interface ProviderRow {
  id: string;
  name: string;
  public_key: string;
  created_at: number;
  revoked_at: number | null;
}

/** The provider's ordered, durable stream of events. */
export const providerStream = (providerId: string) => `interop:${providerId}`;

export class Providers {
  private readonly cache = new Map<string, ProviderRow | undefined>();
  private readonly insert;
  private readonly byId;
  private readonly all;
  private readonly markRevoked;

  constructor(
    db: SimnetDatabase,
    private readonly sessions: Sessions,
    private readonly now: () => number,
  ) {
    this.insert = db.prepare<[string, string, string, number]>("INSERT INTO interop_providers (id, name, public_key, created_at) VALUES (?, ?, ?, ?)");
    this.byId = db.prepare<[string], ProviderRow>("SELECT * FROM interop_providers WHERE id = ?");
    this.all = db.prepare<[], ProviderRow>("SELECT * FROM interop_providers ORDER BY created_at, id");
    this.markRevoked = db.prepare<[number, string]>("UPDATE interop_providers SET revoked_at = ? WHERE id = ?");
  }

  /** A new provider and its token (shown once; only its hash is kept). */
  register(name: string, publicKey: string): ProviderInfo & { token: string } {
    const id = `p${randomBytes(8).toString("hex")}`;
    const createdAt = this.now();
    this.insert.run(id, name, publicKey, createdAt);
    this.cache.delete(id);
    const { token } = this.sessions.create(id, `provider ${name}`, id);
    return { ...info({ id, name, public_key: publicKey, created_at: createdAt, revoked_at: null }), token };
  }

  list(): ProviderInfo[] {
    return this.all.all().map(info);
  }

  /** A provider that has not been revoked. */
  active(id: string): ProviderRow | undefined {
    if (!this.cache.has(id)) this.cache.set(id, this.byId.get(id));
    const row = this.cache.get(id);
    return row && row.revoked_at === null ? row : undefined;
  }

  /** The provider behind a bearer token, or a 401. */
  authenticate(token: string | undefined): ProviderRow {
    const provider = this.active(this.sessions.require(token).id);
    if (!provider) throw unauthorized("this token is not a third-party provider's");
    return provider;
  }

  /** Whether a token is a provider's (rather than a device's). */
  isProviderToken(token: string): boolean {
    const session = this.sessions.find(token);
    return session !== undefined && this.active(session.id) !== undefined;
  }

  /** Ends a provider: its token dies at once (its socket is closed by the session listener). */
  revoke(id: string): void {
    if (!this.active(id)) throw notFound("provider_not_found", `no active provider ${id}`);
    this.markRevoked.run(this.now(), id);
    this.cache.delete(id);
    this.sessions.revoke(id);
  }

  /** The provider as a device of a chat: what senders encrypt for. */
  device(id: string): DeviceRow | undefined {
    const row = this.active(id);
    return row && { user: providerDeviceJid(row.id), device: 0, session_id: row.id, name: row.name, public_key: row.public_key, created_at: row.created_at };
  }
}

function info(row: ProviderRow): ProviderInfo {
  return { id: row.id, name: row.name, public_key: row.public_key, device_jid: providerDeviceJid(row.id), created_at: row.created_at, revoked_at: row.revoked_at };
}
