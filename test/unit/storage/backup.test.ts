import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import Database from "better-sqlite3";
import { listBackups, takeBackup } from "../../../src/storage/backup.js";
import { StorageError } from "../../../src/storage/errors.js";
import { makeTempDir, removeDir } from "./helpers.js";

describe("database backups", () => {
  let dir: string;
  let dbPath: string;
  let db: Database.Database;

  beforeEach(() => {
    dir = makeTempDir();
    dbPath = path.join(dir, "crosschat.db");
    db = new Database(dbPath);
    db.exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (7);");
  });

  afterEach(() => {
    db.close();
    removeDir(dir);
  });

  it("names the copy after the version and the UTC time, and copies the data", () => {
    const at = new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 678));
    const target = takeBackup(db, dbPath, 4, at);
    expect(target).toBe(`${dbPath}.backup-v4-20250102T030405Z`);
    const copy = new Database(target, { readonly: true });
    expect(copy.prepare("SELECT x FROM t").pluck().get()).toBe(7);
    copy.close();
  });

  it("never overwrites a backup taken in the same second", () => {
    const at = new Date(Date.UTC(2025, 0, 2, 3, 4, 5));
    const first = takeBackup(db, dbPath, 1, at);
    const second = takeBackup(db, dbPath, 1, at);
    const third = takeBackup(db, dbPath, 1, at);
    expect(new Set([first, second, third]).size).toBe(3);
    expect(second).toBe(`${first}-2`);
    expect(third).toBe(`${first}-3`);
  });

  it("reports a backup that cannot be written as DB_BACKUP_FAILED", () => {
    // A folder that does not exist fails even for root, unlike a permission test.
    const unwritable = path.join(dir, "missing", "crosschat.db");
    let error: unknown;
    try {
      takeBackup(db, unwritable, 1);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).code).toBe("DB_BACKUP_FAILED");
    expect((error as StorageError).message).toContain(`${unwritable}.backup-v1-`);
    expect((error as StorageError).message).toContain("Nothing was changed");
  });

  it("lists only this database's backups, by version then time", () => {
    for (const name of [
      "crosschat.db.backup-v10-20250101T000000Z",
      "crosschat.db.backup-v2-20250301T000000Z",
      "crosschat.db.backup-v2-20250201T000000Z",
      "other.db.backup-v1-20250101T000000Z",
      "crosschat.db-wal",
    ]) {
      fs.writeFileSync(path.join(dir, name), "");
    }
    expect(listBackups(dbPath)).toEqual([
      { version: 2, path: path.join(dir, "crosschat.db.backup-v2-20250201T000000Z") },
      { version: 2, path: path.join(dir, "crosschat.db.backup-v2-20250301T000000Z") },
      { version: 10, path: path.join(dir, "crosschat.db.backup-v10-20250101T000000Z") },
    ]);
  });

  it("lists nothing when the folder does not exist", () => {
    expect(listBackups(path.join(dir, "missing", "crosschat.db"))).toEqual([]);
  });
});
