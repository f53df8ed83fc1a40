/**
 * Messenger's identifiers: numeric account and group thread ids (decimal strings, as the Graph
 * API sends them), `mid.$`-prefixed message ids, and client-chosen offline threading ids.
 */
import { randomBytes } from "node:crypto";
import type { SimnetDatabase } from "../core/database.js";

/** Account ids count up from here: 15 digits, like Facebook's 1000... profile ids. */
const FIRST_ACCOUNT_ID = 100_000_000_000_001;
/** Group thread ids: 16 digits, so they never collide with an account id. */
const FIRST_GROUP_ID = 2_000_000_000_000_001;
/** Third-party contacts: 15 digits like an account, from a range accounts never reach. */
const FIRST_CONTACT_ID = 900_000_000_000_001;
/** Providers: 16 digits, like an app id. */
const FIRST_PROVIDER_ID = 5_000_000_000_000_001;

/** Whether an id is in the contacts' range (cheap: no lookup for the ordinary accounts). */
export function isContactId(id: string): boolean {
  return id.length === 15 && id >= String(FIRST_CONTACT_ID);
}

export class IdAllocator {
  private readonly bump;

  constructor(db: SimnetDatabase) {
    this.bump = db.prepare<[string, number], { next: number }>(
      `INSERT INTO id_counters (name, next) VALUES (?, ?)
       ON CONFLICT (name) DO UPDATE SET next = next + 1
       RETURNING next`,
    );
  }

  account(): string {
    return String(this.bump.get("account", FIRST_ACCOUNT_ID)?.next);
  }

  group(): string {
    return String(this.bump.get("group", FIRST_GROUP_ID)?.next);
  }

  contact(): string {
    return String(this.bump.get("contact", FIRST_CONTACT_ID)?.next);
  }

  provider(): string {
    return String(this.bump.get("provider", FIRST_PROVIDER_ID)?.next);
  }
}

const MESSAGE_PREFIX = "mid.$";
const SEQ_BYTES = 6;

/**
 * A message id carries the message's storage position (6 bytes) and 9 random bytes, base64url:
 * found by primary key without a second index, and still not guessable from a neighbour's id.
 */
export function messageId(seq: number): string {
  const bytes = Buffer.allocUnsafe(15);
  bytes.writeUIntBE(seq, 0, SEQ_BYTES);
  randomPool.take(9).copy(bytes, SEQ_BYTES);
  return `${MESSAGE_PREFIX}${bytes.toString("base64url")}`;
}

/** Random bytes drawn a block at a time: one system call per few hundred ids, not one per id. */
class RandomPool {
  private block = Buffer.alloc(0);
  private offset = 0;

  take(count: number): Buffer {
    if (this.offset + count > this.block.length) {
      this.block = randomBytes(4096);
      this.offset = 0;
    }
    this.offset += count;
    return this.block.subarray(this.offset - count, this.offset);
  }
}

const randomPool = new RandomPool();

/** The storage position a message id names, or undefined if it is not one of ours. */
export function messageSeq(id: string): number | undefined {
  if (!id.startsWith(MESSAGE_PREFIX) || id.length !== MESSAGE_PREFIX.length + 20) return undefined;
  const bytes = Buffer.from(id.slice(MESSAGE_PREFIX.length), "base64url");
  return bytes.length === 15 ? bytes.readUIntBE(0, SEQ_BYTES) : undefined;
}

/** Numeric ids as the wire carries them: decimal digits, no sign, no leading zero. */
export const NUMERIC_ID = /^[1-9][0-9]{0,19}$/;

/** Offline threading ids are client-chosen numbers (Messenger's are 19 digits). */
export const OFFLINE_THREADING_ID = /^[0-9]{1,20}$/;

/** Direct threads are stored under their two participants' ids, lower first. */
export function directKey(a: string, b: string): string {
  return compareIds(a, b) <= 0 ? `${a}:${b}` : `${b}:${a}`;
}

/** The id a participant sees a thread under: the other person in a direct thread. */
export function wireThreadId(key: string, viewer: string): string {
  const colon = key.indexOf(":");
  if (colon < 0) return key;
  const first = key.slice(0, colon);
  return first === viewer ? key.slice(colon + 1) : first;
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
