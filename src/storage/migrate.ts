/**
 * Reading and advancing the schema version recorded in `schema_migrations`.
 */
import type Database from "better-sqlite3";
import type { Logger } from "winston";
import { StorageError, describeCause } from "./errors.js";
import type { Migration } from "./migrations/index.js";

/**
 * The highest applied migration, 0 for an empty database. A database with tables but no
 * version table was not made by crosschat (a mistyped path, most likely), and migrating it
 * would scribble over someone else's data.
 */
export function readSchemaVersion(db: Database.Database, dbPath: string): number {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .pluck()
    .all() as string[];
  if (!tables.includes("schema_migrations")) {
    if (tables.length === 0) return 0;
    throw new StorageError(
      "DB_OPEN_FAILED",
      `database ${dbPath} is not a crosschat database: it has tables (${tables.join(", ")}) but ` +
        `no schema_migrations table. Check the database path in the configuration.`,
    );
  }
  const version = db.prepare("SELECT MAX(version) FROM schema_migrations").pluck().get();
  return typeof version === "number" ? version : 0;
}

export function createVersionTable(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      version    INTEGER PRIMARY KEY,
      name       TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    )
  `);
}

/**
 * Applies the migrations above `from`, each in its own transaction so a failure leaves the
 * database at the last version that fully succeeded. IMMEDIATE takes the write lock up front,
 * so a second process opening the same file waits instead of failing halfway.
 */
export function applyMigrations(
  db: Database.Database,
  dbPath: string,
  from: number,
  migrations: readonly Migration[],
  logger: Logger,
  backupPath: string | undefined,
): void {
  const record = db.prepare(
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
  );
  for (const migration of migrations.filter((m) => m.version > from)) {
    const step = db.transaction(() => {
      migration.up(db);
      // Foreign keys cannot be switched off inside a transaction, but a migration can still
      // leave dangling references (e.g. by rebuilding a table); refuse to commit those.
      const violations = db.pragma("foreign_key_check") as unknown[];
      if (violations.length > 0) {
        throw new Error(`it left ${violations.length} foreign key violation(s)`);
      }
      record.run(migration.version, migration.name, Date.now());
    });
    try {
      step.immediate();
    } catch (cause) {
      const reached = readSchemaVersion(db, dbPath);
      const restore = backupPath
        ? ` A copy taken before migrating is at ${backupPath}.`
        : "";
      throw new StorageError(
        "DB_MIGRATION_FAILED",
        `database migration ${migration.version} (${migration.name}) failed on ${dbPath}: ` +
          `${describeCause(cause)}. It was rolled back; the database is still at schema ` +
          `version ${reached}.${restore} Please report this as a crosschat bug.`,
        { cause },
      );
    }
    logger.info(`applied database migration ${migration.version} (${migration.name})`, {
      database: dbPath,
      version: migration.version,
      migration: migration.name,
    });
  }
}
