/**
 * Where `crosschat simnet user` keeps a logged-in session between shell commands: one JSON file
 * per network and persona, holding the server URL and whatever the client library needs to
 * restore the session (tokens, and on WhatsApp the device's private key, hence mode 0600).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { SimnetNetworkId } from "../../simnet/core/network.js";
import { UsageError } from "../failures.js";

export interface SessionFile {
  url: string;
  saved: unknown;
}

export function sessionPath(dataDir: string, network: SimnetNetworkId, persona: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(persona)) throw new UsageError(`'${persona}' is not a usable name for --as (letters, digits, _ . - only)`);
  return join(dataDir, "sessions", `${network}-${persona}.json`);
}

export function readSession(path: string): SessionFile | undefined {
  if (!existsSync(path)) return undefined;
  const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<SessionFile>;
  if (typeof parsed.url !== "string") throw new UsageError(`${path} is not a simnet session file`);
  return { url: parsed.url, saved: parsed.saved };
}

export function writeSession(path: string, session: SessionFile): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(session, null, 2)}\n`, { mode: 0o600 });
}

export function removeSession(path: string): void {
  rmSync(path, { force: true });
}
