import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import Database from "better-sqlite3";
import { MIGRATIONS, StorageError, openDatabase, type Migration } from "../../../src/storage/index.js";
import { capturingLogger, makeTempDir, removeDir, silentLogger } from "./helpers.js";

const initial = MIGRATIONS[0]!;

const addNotes: Migration = {
  version: 2,
  name: "add-notes",
  up(db) {
    db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  },
};

const addTags: Migration = {
  version: 3,
  name: "add-tags",
  up(db) {
    db.exec("CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT NOT NULL)");
  },
};

function expectStorageError(fn: () => unknown, code: StorageError["code"]): StorageError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).code).toBe(code);
    return error as StorageError;
  }
  throw new Error(`expected a StorageError ${code}, but nothing was thrown`);
}

function sha256(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

function backupsIn(dir: string): string[] {
  return fs.readdirSync(dir).filter((name) => name.includes(".backup-v"));
}

describe("openDatabase", () => {
  let dir: string;
  let dbPath: string;

  beforeEach(() => {
    dir = makeTempDir();
    dbPath = path.join(dir, "crosschat.db");
  });

  afterEach(() => {
    removeDir(dir);
  });

  it("applies every migration to a new database, with WAL and foreign keys on", () => {
    const { logger, records } = capturingLogger();
    const storage = openDatabase(dbPath, { logger });
    try {
      expect(storage.schemaVersion()).toBe(MIGRATIONS.length);
      expect(storage.db.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(storage.db.pragma("foreign_keys", { simple: true })).toBe(1);
      expect(storage.db.pragma("synchronous", { simple: true })).toBe(1); // NORMAL
      const applied = storage.db.prepare("SELECT version, name FROM schema_migrations").all();
      expect(applied).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
      expect(records.some((r) => r.level === "info" && r.message.includes("migration 1 (initial)"))).toBe(true);
    } finally {
      storage.close();
    }
  });

  it("takes no backup of a brand new database", () => {
    openDatabase(dbPath, { logger: silentLogger() }).close();
    expect(backupsIn(dir)).toEqual([]);
  });

  it("creates a missing parent folder", () => {
    const nested = path.join(dir, "a", "b", "crosschat.db");
    openDatabase(nested, { logger: silentLogger() }).close();
    expect(fs.existsSync(nested)).toBe(true);
  });

  it("supports :memory: databases", () => {
    const storage = openDatabase(":memory:", { logger: silentLogger() });
    expect(storage.schemaVersion()).toBe(MIGRATIONS.length);
    expect(storage.db.pragma("foreign_keys", { simple: true })).toBe(1);
    storage.close();
  });

  it("does nothing on re-opening an up-to-date database and takes no backup", () => {
    openDatabase(dbPath, { logger: silentLogger() }).close();
    const { logger, records } = capturingLogger();
    const storage = openDatabase(dbPath, { logger });
    expect(storage.schemaVersion()).toBe(MIGRATIONS.length);
    storage.close();
    expect(backupsIn(dir)).toEqual([]);
    expect(records.filter((r) => r.level === "info")).toEqual([]);
  });

  it("backs up a database at an older version, then migrates it", () => {
    const old = openDatabase(dbPath, { logger: silentLogger(), migrations: [initial] });
    old.managementRooms.set("@alice:example.org", "!dm:example.org", 1000);
    old.close();

    const { logger, records } = capturingLogger();
    const storage = openDatabase(dbPath, { logger, migrations: [initial, addNotes] });
    expect(storage.schemaVersion()).toBe(2);
    expect(storage.managementRooms.get("@alice:example.org")).toBe("!dm:example.org");
    storage.close();

    const backups = backupsIn(dir);
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatch(/^crosschat\.db\.backup-v1-\d{8}T\d{6}Z$/);
    const backupPath = path.join(dir, backups[0]!);

    const copy = new Database(backupPath, { readonly: true });
    try {
      expect(copy.prepare("SELECT MAX(version) FROM schema_migrations").pluck().get()).toBe(1);
      expect(copy.prepare("SELECT room_id FROM management_rooms").pluck().all()).toEqual([
        "!dm:example.org",
      ]);
    } finally {
      copy.close();
    }

    const backupLine = records.find((r) => r.level === "info" && r.message.includes(backupPath));
    expect(backupLine).toBeDefined();
    const migrationLines = records.filter((r) => r.level === "info" && r.message.includes("migration"));
    expect(migrationLines.map((r) => r.message)).toEqual(["applied database migration 2 (add-notes)"]);
  });

  it("keeps the backup of a failed upgrade when the retry takes another", () => {
    openDatabase(dbPath, { logger: silentLogger(), migrations: [initial] }).close();
    const failing: Migration = { version: 2, name: "broken", up: () => { throw new Error("boom"); } };
    expectStorageError(
      () => openDatabase(dbPath, { logger: silentLogger(), migrations: [initial, failing] }),
      "DB_MIGRATION_FAILED",
    );
    openDatabase(dbPath, { logger: silentLogger(), migrations: [initial, addNotes] }).close();
    expect(backupsIn(dir)).toHaveLength(2);
  });

  it("refuses a database newer than the code, naming both versions, and leaves the file untouched", () => {
    openDatabase(dbPath, { logger: silentLogger(), migrations: [initial] }).close();
    openDatabase(dbPath, { logger: silentLogger(), migrations: [initial, addNotes] }).close();
    openDatabase(dbPath, { logger: silentLogger(), migrations: [initial, addNotes, addTags] }).close();
    const before = sha256(dbPath);

    const error = expectStorageError(
      () => openDatabase(dbPath, { logger: silentLogger(), migrations: [initial] }),
      "DB_NEWER_THAN_CODE",
    );
    expect(error.message).toContain(dbPath);
    expect(error.message).toContain("schema version 3");
    expect(error.message).toContain("only up to 1");
    // The v1 backup can be run by this code; the v2 one cannot, so only the first is offered.
    expect(error.message).toMatch(/crosschat\.db\.backup-v1-\d{8}T\d{6}Z/);
    expect(error.message).not.toContain("backup-v2-");
    expect(sha256(dbPath)).toBe(before);
    expect(fs.existsSync(`${dbPath}-wal`)).toBe(false);
  });

  it("says to restore a copy when a newer database has no usable backup next to it", () => {
    openDatabase(dbPath, { logger: silentLogger(), migrations: [initial, addNotes] }).close();
    const error = expectStorageError(
      () => openDatabase(dbPath, { logger: silentLogger(), migrations: [initial] }),
      "DB_NEWER_THAN_CODE",
    );
    expect(error.message).toContain("restore a copy of the database from before the upgrade");
  });

  it("rolls back a failing migration, leaving the version unchanged, and names the migration", () => {
    openDatabase(dbPath, { logger: silentLogger(), migrations: [initial] }).close();
    const failing: Migration = {
      version: 2,
      name: "half-done",
      up(db) {
        db.exec("CREATE TABLE partial (id INTEGER PRIMARY KEY)");
        throw new Error("something went wrong");
      },
    };

    const error = expectStorageError(
      () => openDatabase(dbPath, { logger: silentLogger(), migrations: [initial, failing] }),
      "DB_MIGRATION_FAILED",
    );
    expect(error.message).toContain("migration 2 (half-done)");
    expect(error.message).toContain("something went wrong");
    expect(error.message).toContain("still at schema version 1");
    expect(error.message).toContain(".backup-v1-");

    const storage = openDatabase(dbPath, { logger: silentLogger(), migrations: [initial] });
    try {
      expect(storage.schemaVersion()).toBe(1);
      const partial = storage.db
        .prepare("SELECT name FROM sqlite_master WHERE name = 'partial'")
        .get();
      expect(partial).toBeUndefined();
    } finally {
      storage.close();
    }
  });

  it("rejects a migration that leaves dangling foreign keys", () => {
    const dangling: Migration = {
      version: 2,
      name: "dangling",
      up(db) {
        db.exec(`
          CREATE TABLE parent (id INTEGER PRIMARY KEY);
          CREATE TABLE child (parent_id INTEGER REFERENCES parent (id));
          PRAGMA defer_foreign_keys = ON;
          INSERT INTO child VALUES (42);
        `);
      },
    };
    const error = expectStorageError(
      () => openDatabase(dbPath, { logger: silentLogger(), migrations: [initial, dangling] }),
      "DB_MIGRATION_FAILED",
    );
    expect(error.message).toContain("migration 2 (dangling)");
    expect(error.message).toContain("1 foreign key violation");
  });

  it("rejects a migration list that is not numbered contiguously from 1", () => {
    expect(() => openDatabase(dbPath, { logger: silentLogger(), migrations: [initial, addTags] })).toThrow(
      /contiguously from 1.*version 3 \(add-tags\)/,
    );
    expect(fs.existsSync(dbPath)).toBe(false);
  });

  it("refuses a file that is not a database", () => {
    fs.writeFileSync(dbPath, "this is not sqlite, just some text that is long enough to look like a header\n".repeat(10));
    const error = expectStorageError(
      () => openDatabase(dbPath, { logger: silentLogger() }),
      "DB_OPEN_FAILED",
    );
    expect(error.message).toContain(dbPath);
  });

  it("refuses a SQLite database that crosschat did not create", () => {
    const other = new Database(dbPath);
    other.exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY)");
    other.close();
    const before = sha256(dbPath);

    const error = expectStorageError(
      () => openDatabase(dbPath, { logger: silentLogger() }),
      "DB_OPEN_FAILED",
    );
    expect(error.message).toContain("not a crosschat database");
    expect(error.message).toContain("invoices");
    expect(sha256(dbPath)).toBe(before);
  });

  it("closes idempotently, folding the WAL back into the main file", () => {
    const storage = openDatabase(dbPath, { logger: silentLogger() });
    storage.transactions.markProcessed({ txnId: "txn-1", fingerprint: "f" }, 1);
    storage.close();
    storage.close();
    expect(storage.db.open).toBe(false);
    expect(fs.existsSync(`${dbPath}-wal`)).toBe(false);
  });
});
