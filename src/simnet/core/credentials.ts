/**
 * Secrets the simulations hand out and check: bearer tokens (stored only as hashes, so a copied
 * database logs nobody in) and passwords (scrypt, as a real service would).
 */
import { createHash, randomBytes, randomInt, scryptSync, timingSafeEqual } from "node:crypto";

export function newToken(bytes = 24): string {
  return randomBytes(bytes).toString("base64url");
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  // Low cost on purpose: the simulations create thousands of accounts in tests and benchmarks.
  const key = scryptSync(password, salt, 32, { N: 1024 });
  return `scrypt$${salt.toString("base64")}$${key.toString("base64")}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [scheme, salt, key] = stored.split("$");
  if (scheme !== "scrypt" || salt === undefined || key === undefined) return false;
  const expected = Buffer.from(key, "base64");
  const actual = scryptSync(password, Buffer.from(salt, "base64"), expected.length, { N: 1024 });
  return timingSafeEqual(actual, expected);
}

/** A numeric code such as a 2FA or checkpoint code, `digits` long, leading zeros kept. */
export function newNumericCode(digits = 6): string {
  return String(randomInt(0, 10 ** digits)).padStart(digits, "0");
}
