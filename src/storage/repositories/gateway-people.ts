import type Database from "better-sqlite3";

/** Someone the gateway shows on other networks than their own, as it publishes them there. */
export interface GatewayPerson {
  /** '<network>:<interop id>' or 'matrix:<user id>'. */
  participant: string;
  thirdPartyId: string;
  name: string;
  handle: string;
}

interface PersonRow {
  participant: string;
  third_party_id: string;
  name: string;
  handle: string;
}

const toPerson = (row: PersonRow): GatewayPerson => ({ participant: row.participant, thirdPartyId: row.third_party_id, name: row.name, handle: row.handle });

/** The people the gateway publishes, where it published them, and its provider credentials. */
export class GatewayPeopleRepository {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      upsert: db.prepare<[string, string, string, string]>(
        `INSERT INTO gateway_people (participant, third_party_id, name, handle) VALUES (?, ?, ?, ?)
         ON CONFLICT (participant) DO UPDATE SET name = excluded.name`,
      ),
      byParticipant: db.prepare<[string], PersonRow>("SELECT * FROM gateway_people WHERE participant = ?"),
      byThirdPartyId: db.prepare<[string], PersonRow>("SELECT * FROM gateway_people WHERE third_party_id = ?"),
      handleTaken: db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM gateway_people WHERE handle = ?"),
      remove: db.prepare<[string]>("DELETE FROM gateway_people WHERE participant = ?"),
      all: db.prepare<[], PersonRow>("SELECT * FROM gateway_people ORDER BY rowid"),
      publish: db.prepare<[string, string]>("INSERT INTO gateway_published (participant, network) VALUES (?, ?) ON CONFLICT DO NOTHING"),
      unpublish: db.prepare<[string, string]>("DELETE FROM gateway_published WHERE participant = ? AND network = ?"),
      published: db.prepare<[string], { network: string }>("SELECT network FROM gateway_published WHERE participant = ? ORDER BY network"),
      isPublished: db.prepare<[string, string], { n: number }>("SELECT COUNT(*) AS n FROM gateway_published WHERE participant = ? AND network = ?"),
      credentials: db.prepare<[string], { credentials: string }>("SELECT credentials FROM gateway_providers WHERE network = ?"),
      saveCredentials: db.prepare<[string, string]>(
        "INSERT INTO gateway_providers (network, credentials) VALUES (?, ?) ON CONFLICT (network) DO UPDATE SET credentials = excluded.credentials",
      ),
    };
  }

  /**
   * Records someone (or renames them). The handle is only taken the first time: it is what
   * people on other networks found them by, so it stays. `handle` is tried as given, then with
   * a number until it is free.
   */
  upsert(person: Omit<GatewayPerson, "handle"> & { handle: string }): GatewayPerson {
    const existing = this.get(person.participant);
    const handle = existing?.handle ?? this.freeHandle(person.handle);
    this.s.upsert.run(person.participant, existing?.thirdPartyId ?? person.thirdPartyId, person.name, handle);
    return this.get(person.participant) as GatewayPerson;
  }

  get(participant: string): GatewayPerson | undefined {
    const row = this.s.byParticipant.get(participant);
    return row ? toPerson(row) : undefined;
  }

  byThirdPartyId(id: string): GatewayPerson | undefined {
    const row = this.s.byThirdPartyId.get(id);
    return row ? toPerson(row) : undefined;
  }

  all(): GatewayPerson[] {
    return this.s.all.all().map(toPerson);
  }

  /** Forgets the person and where they were published. */
  remove(participant: string): void {
    this.s.remove.run(participant);
  }

  markPublished(participant: string, network: string): void {
    this.s.publish.run(participant, network);
  }

  markWithdrawn(participant: string, network: string): void {
    this.s.unpublish.run(participant, network);
  }

  isPublished(participant: string, network: string): boolean {
    return (this.s.isPublished.get(participant, network)?.n ?? 0) > 0;
  }

  publishedOn(participant: string): string[] {
    return this.s.published.all(participant).map((row) => row.network);
  }

  credentials(network: string): Record<string, unknown> | undefined {
    const row = this.s.credentials.get(network);
    return row ? (JSON.parse(row.credentials) as Record<string, unknown>) : undefined;
  }

  saveCredentials(network: string, credentials: Record<string, unknown>): void {
    this.s.saveCredentials.run(network, JSON.stringify(credentials));
  }

  private freeHandle(wanted: string): string {
    const taken = (handle: string) => (this.s.handleTaken.get(handle)?.n ?? 0) > 0;
    if (!taken(wanted)) return wanted;
    for (let n = 2; ; n++) {
      const suffix = `-${n}`;
      const candidate = `${wanted.slice(0, 64 - suffix.length)}${suffix}`;
      if (!taken(candidate)) return candidate;
    }
  }
}
