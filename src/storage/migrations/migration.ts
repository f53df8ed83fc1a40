import type Database from "better-sqlite3";

/**
 * One forward step of the schema. Migrations are never edited once released: a database in the
 * wild may already have run them, so a change is always a new, higher-numbered migration.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** Runs inside a transaction opened by the runner; throwing rolls the whole step back. */
  up(db: Database.Database): void;
}

/**
 * Rejects a list that is not exactly versions 1, 2, 3, ... in order. A gap or duplicate would
 * make "the database is at version N" ambiguous, so it is a programming error caught at load
 * time rather than something to tolerate at run time.
 */
export function assertContiguous<T extends readonly Migration[]>(migrations: T): T {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(
        `storage migrations must be numbered contiguously from 1: position ${index + 1} holds ` +
          `version ${migration.version} (${migration.name})`,
      );
    }
  });
  return migrations;
}
