/**
 * The people providers publish: each gets a numeric Messenger id of its own (the contact id
 * users see as the sender, in thread ids and in participant lists), kept for good, so an
 * identity removed and published again is the same contact. Rows are cached by contact id: the
 * delta path asks, for each participant of a third-party chat, whether it is a contact. Every
 * change is checked before it is written, so no transaction rolls back a cached row.
 */
import type { SimnetDatabase } from "../../core/database.js";
import type { ThirdPartyNetwork, WireIdentity, WireThirdParty } from "../protocol.js";
import { isContactId, type IdAllocator } from "../ids.js";

export interface IdentityRow {
  contact: string;
  provider: string;
  identity: string;
  name: string;
  network: ThirdPartyNetwork;
  handle: string;
  removed_at: number | null;
}

export interface IdentitySpec {
  name: string;
  network: ThirdPartyNetwork;
  handle: string;
}

/** A published identity with its provider's name, as a user's search shows it. */
export type ContactRow = IdentityRow & { provider_name: string };

const COLUMNS = "contact, provider, identity, name, network, handle, removed_at";

/** `LIKE` with the user's text taken literally. */
const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export class Identities {
  private readonly cache = new Map<string, IdentityRow>();
  private readonly insert;
  private readonly update;
  private readonly byContact;
  private readonly byIdentity;
  private readonly byHandle;
  private readonly markRemoved;
  private readonly search;
  private readonly threadsOf;

  constructor(
    db: SimnetDatabase,
    private readonly ids: IdAllocator,
  ) {
    this.insert = db.prepare<[string, string, string, string, string, string, number]>(
      "INSERT INTO interop_identities (contact, provider, identity, name, network, handle, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    this.update = db.prepare<[string, string, string, string]>("UPDATE interop_identities SET name = ?, network = ?, handle = ?, removed_at = NULL WHERE contact = ?");
    this.byContact = db.prepare<[string], IdentityRow>(`SELECT ${COLUMNS} FROM interop_identities WHERE contact = ?`);
    this.byIdentity = db.prepare<[string, string], IdentityRow>(`SELECT ${COLUMNS} FROM interop_identities WHERE provider = ? AND identity = ?`);
    this.byHandle = db.prepare<[string, string], IdentityRow>(
      `SELECT ${COLUMNS} FROM interop_identities WHERE provider = ? AND handle = ? COLLATE NOCASE AND removed_at IS NULL`,
    );
    this.markRemoved = db.prepare<[number, string]>("UPDATE interop_identities SET removed_at = ? WHERE contact = ?");
    this.search = db.prepare<{ pattern: string; limit: number }, ContactRow>(
      `SELECT ${COLUMNS.split(", ").map((c) => `i.${c}`).join(", ")}, p.name AS provider_name
       FROM interop_identities i JOIN interop_providers p ON p.id = i.provider
       WHERE i.removed_at IS NULL AND p.revoked_at IS NULL
         AND (i.handle LIKE :pattern ESCAPE '\\' OR i.name LIKE :pattern ESCAPE '\\')
       ORDER BY i.name, i.contact LIMIT :limit`,
    );
    this.threadsOf = db.prepare<[string], string>("SELECT thread FROM interop_members WHERE contact = ?").pluck();
  }

  /** Publishes a new identity or updates (and restores) an existing one; returns it as stored. */
  publish(provider: string, identity: string, spec: IdentitySpec, at: number): IdentityRow {
    const existing = this.find(provider, identity);
    const contact = existing?.contact ?? this.ids.contact();
    if (existing) this.update.run(spec.name, spec.network, spec.handle, contact);
    else this.insert.run(contact, provider, identity, spec.name, spec.network, spec.handle, at);
    this.cache.delete(contact);
    return this.contact(contact)!;
  }

  /** A contact by its Messenger id, removed or not; undefined for any other id. */
  contact(id: string): IdentityRow | undefined {
    // Every delta of a third-party chat asks this of each member: ordinary accounts answer here.
    if (!isContactId(id)) return undefined;
    let row = this.cache.get(id);
    if (!row) {
      row = this.byContact.get(id);
      if (row) this.cache.set(id, row);
    }
    return row;
  }

  find(provider: string, identity: string): IdentityRow | undefined {
    return this.byIdentity.get(provider, identity);
  }

  /** The live identity of `provider` with this handle (case-insensitive). */
  withHandle(provider: string, handle: string): IdentityRow | undefined {
    return this.byHandle.get(provider, handle);
  }

  remove(contact: string, at: number): void {
    this.markRemoved.run(at, contact);
    this.cache.delete(contact);
  }

  /** Published identities of live providers whose handle or name contains `query`. */
  matching(query: string, limit: number): ContactRow[] {
    return this.search.all({ pattern: `%${likeEscaped(query)}%`, limit });
  }

  /** The chats the contact is in. */
  threads(contact: string): string[] {
    return this.threadsOf.all(contact);
  }
}

export function toWireIdentity(row: IdentityRow): WireIdentity {
  return { id: row.identity, contact_id: row.contact, name: row.name, network: row.network, handle: row.handle };
}

/** How users see a contact: the third-party marking next to its name. */
export function toWireThirdParty(row: Omit<ContactRow, "removed_at">): WireThirdParty {
  return {
    contact_id: row.contact,
    provider_id: row.provider,
    provider_name: row.provider_name,
    identity_id: row.identity,
    name: row.name,
    network: row.network,
    handle: row.handle,
  };
}
