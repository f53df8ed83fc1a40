/**
 * Instagram's identifiers: user pks like 17841400000000001 (larger than a JS number holds, so
 * they travel as decimal strings), 39-digit thread ids, and item and media ids that grow with
 * time (the clock in the high digits) so ordering by id is ordering by send time.
 */
import { randomInt } from "node:crypto";
import { badRequest } from "../core/protocol-error.js";

const PK_BASE = 17841400000000000n;
const INT64_MAX = 9223372036854775807n;
/** Ids per millisecond before the generator runs ahead of the clock. */
const PER_MS = 1_000_000n;

export function pkFromSequence(sequence: number): string {
  return (PK_BASE + BigInt(sequence)).toString();
}

export function newThreadId(): string {
  let digits = "";
  for (let i = 0; i < 3; i++) digits += String(randomInt(0, 100_000)).padStart(5, "0");
  return `340282366841710300949128${digits}`;
}

/**
 * Item and post ids: the send time in milliseconds times a million, bumped by one when two fall
 * in the same millisecond. Seeded from the largest id stored, so ids keep growing across a
 * restart even if the clock went back.
 */
export class TimeOrderedIds {
  private last: bigint;

  constructor(
    largestStored: bigint,
    private readonly now: () => number,
  ) {
    this.last = largestStored;
  }

  next(): bigint {
    const fromClock = BigInt(Math.max(0, Math.floor(this.now()))) * PER_MS;
    this.last = fromClock > this.last ? fromClock : this.last + 1n;
    return this.last;
  }
}

const SHORTCODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Instagram's shortcode (the `/p/<code>/` part of a post URL) is the media pk in base 64. */
export function shortcode(pk: bigint): string {
  let code = "";
  let rest = pk;
  do {
    code = SHORTCODE_ALPHABET[Number(rest % 64n)]! + code;
    rest /= 64n;
  } while (rest > 0n);
  return code;
}

/** A thread id from a request: digits only, as Instagram's are. */
export function threadIdParam(value: unknown, field = "thread_id"): string {
  if (typeof value !== "string" || !/^\d{1,40}$/.test(value)) throw badRequest("invalid_thread_id", `'${field}' must be a numeric thread id`);
  return value;
}

/** An item id from a request, as the integer it is stored as. */
export function itemIdParam(value: unknown, field = "item_id"): bigint {
  if (typeof value !== "string" || !/^\d{1,19}$/.test(value) || BigInt(value) > INT64_MAX) {
    throw badRequest("invalid_item_id", `'${field}' must be a numeric item id`);
  }
  return BigInt(value);
}

/** A user pk from a request. */
export function userIdParam(value: unknown, field = "user_id"): string {
  if (typeof value !== "string" || !/^\d{1,20}$/.test(value)) throw badRequest("invalid_user_id", `'${field}' must be a numeric user id`);
  return value;
}
