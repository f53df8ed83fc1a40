/**
 * Scanning a SQLite file for a string, for tests of what a store holds (an erased person, a phone
 * number that must not be there): every row of every table, blobs read as bytes.
 */
import Database from "better-sqlite3";

/** Every row of every table that mentions `needle`, as "table: {row as JSON}". */
export function rowsMentioning(path: string, needle: string): string[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    return tables.flatMap((table) =>
      (db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[])
        .map((row) => `${table}: ${JSON.stringify(row, (_key, value: unknown) => (isBytes(value) ? Buffer.from(value.data).toString("latin1") : value))}`)
        .filter((line) => line.includes(needle)),
    );
  } finally {
    db.close();
  }
}

// JSON.stringify has already turned a Buffer into { type: "Buffer", data } when the replacer sees it.
function isBytes(value: unknown): value is { type: "Buffer"; data: number[] } {
  return typeof value === "object" && value !== null && (value as { type?: unknown }).type === "Buffer" && Array.isArray((value as { data?: unknown }).data);
}
