/** Page sizes and opaque cursors for the list routes. */
import { badRequest } from "../core/protocol-error.js";
import { ERROR_CODES, LIMITS } from "./protocol.js";

export function pageSize(query: URLSearchParams, name = "limit", fallback: number = LIMITS.defaultPageSize, max: number = LIMITS.maxPageSize): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw badRequest(ERROR_CODES.invalidArgument, `'${name}' must be a whole number from 1 to ${max}`);
  }
  return value;
}

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export function decodeCursor<T>(cursor: string | null, isValid: (value: unknown) => value is T): T | undefined {
  if (cursor === null) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (isValid(value)) return value;
  } catch {
    // reported below
  }
  throw badRequest(ERROR_CODES.invalidArgument, "'cursor' is not a cursor this server handed out");
}
