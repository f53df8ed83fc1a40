/**
 * Copies of the database taken before a migration, kept next to the database file as
 * `<file>.backup-v<version>-<UTC timestamp>`.
 *
 * All backups are kept: one is taken only when an upgrade changes the schema, which is rare, and
 * it is the self-hoster's only way back to an older crosschat. Deleting them behind the user's
 * back would be worse than the disk space they take.
 */
import fs from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";
import { StorageError, describeCause } from "./errors.js";

export interface BackupFile {
  /** The schema version of the database the copy was taken from. */
  readonly version: number;
  readonly path: string;
}

const BACKUP_NAME = /^\.backup-v(\d+)-/;

/** e.g. 20250102T030405Z: sorts by time, and holds no ":" (not allowed in Windows file names). */
function timestamp(now: Date): string {
  return now.toISOString().replace(/\.\d+Z$/, "Z").replace(/[-:]/g, "");
}

function freshBackupPath(dbPath: string, version: number, now: Date): string {
  const base = `${dbPath}.backup-v${version}-${timestamp(now)}`;
  // Two upgrades within one second (a failed one, then a retry) would otherwise collide, and
  // VACUUM INTO refuses to overwrite.
  let candidate = base;
  for (let n = 2; fs.existsSync(candidate); n++) candidate = `${base}-${n}`;
  return candidate;
}

/**
 * Writes a consistent copy of the open database. VACUUM INTO rather than the online backup API
 * because it is synchronous, which keeps opening the database synchronous.
 */
export function takeBackup(
  db: Database.Database,
  dbPath: string,
  version: number,
  now = new Date(),
): string {
  const target = freshBackupPath(dbPath, version, now);
  try {
    db.prepare("VACUUM INTO ?").run(target);
  } catch (cause) {
    throw new StorageError(
      "DB_BACKUP_FAILED",
      `could not back up database ${dbPath} to ${target} before upgrading its schema from ` +
        `version ${version}: ${describeCause(cause)}. Nothing was changed; make room or fix ` +
        `permissions in ${path.dirname(target)} and start again.`,
      { cause },
    );
  }
  return target;
}

/** Backups lying next to the database file, oldest first. */
export function listBackups(dbPath: string): BackupFile[] {
  const dir = path.dirname(dbPath);
  const prefix = path.basename(dbPath);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const backups: BackupFile[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = BACKUP_NAME.exec(name.slice(prefix.length));
    if (match?.[1] !== undefined) {
      backups.push({ version: Number(match[1]), path: path.join(dir, name) });
    }
  }
  // By version, then by name (whose timestamp sorts by time).
  return backups.sort((a, b) => a.version - b.version || a.path.localeCompare(b.path));
}
