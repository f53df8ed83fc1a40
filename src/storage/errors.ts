/**
 * Errors the storage layer raises for conditions a self-hoster has to act on. The `code` is
 * stable so callers (the CLI, tests) can branch on it; the message is written for the person
 * reading the log and says what to do next.
 */
export type StorageErrorCode =
  | "DB_NEWER_THAN_CODE"
  | "DB_MIGRATION_FAILED"
  | "DB_OPEN_FAILED"
  | "DB_BACKUP_FAILED";

export class StorageError extends Error {
  override readonly name = "StorageError";

  constructor(
    readonly code: StorageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The message of an unknown thrown value, for embedding in our own messages. */
export function describeCause(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
