import type Database from "better-sqlite3";

/** Secrets made once per install and kept (migration 6). */
export class BridgeSecretRepository {
  private readonly get;
  private readonly insert;

  constructor(db: Database.Database) {
    this.get = db.prepare<[string], { value: string }>("SELECT value FROM bridge_secrets WHERE name = ?");
    this.insert = db.prepare<[string, string]>("INSERT INTO bridge_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING");
  }

  /** The secret by that name, made with `make` the first time it is asked for. */
  getOrCreate(name: string, make: () => string): string {
    const existing = this.get.get(name)?.value;
    if (existing !== undefined) return existing;
    this.insert.run(name, make());
    return this.get.get(name)?.value as string;
  }
}
