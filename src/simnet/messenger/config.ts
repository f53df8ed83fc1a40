/**
 * What a Messenger simulation can be started with. The defaults are realistic; a benchmark lifts
 * the send limit and tests lower limits to reach them quickly.
 */
import { LIMITS } from "./protocol.js";

export interface MessengerOptions {
  rateLimits?: {
    sendsPerMinute?: number;
    /** Wrong passwords or codes allowed per account within `loginFailureWindowMs`. */
    loginFailures?: number;
    loginFailureWindowMs?: number;
  };
  /** Largest attachment, in bytes. */
  maxAttachmentBytes?: number;
}

export interface MessengerSettings {
  sendsPerMinute: number;
  loginFailures: number;
  loginFailureWindowMs: number;
  maxAttachmentBytes: number;
}

export function resolveSettings(options: MessengerOptions = {}): MessengerSettings {
  const settings: MessengerSettings = {
    sendsPerMinute: options.rateLimits?.sendsPerMinute ?? LIMITS.defaultSendsPerMinute,
    loginFailures: options.rateLimits?.loginFailures ?? LIMITS.loginFailures,
    loginFailureWindowMs: options.rateLimits?.loginFailureWindowMs ?? LIMITS.loginFailureWindowMs,
    maxAttachmentBytes: options.maxAttachmentBytes ?? LIMITS.defaultMaxAttachmentBytes,
  };
  for (const [name, value] of Object.entries(settings)) {
    if (!Number.isFinite(value) || value <= 0) throw new Error(`messenger option '${name}' must be a positive number, got ${value}`);
  }
  return settings;
}
