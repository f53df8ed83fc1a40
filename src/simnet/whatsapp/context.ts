/**
 * Everything the WhatsApp server's modules share, built once in `setup`: the stores, the
 * limits in force and the authentication of a request's bearer token to a device.
 */
import type { AckLedger } from "../core/acks.js";
import type { SimnetDatabase } from "../core/database.js";
import type { EventStreams, RetentionPolicy } from "../core/event-stream.js";
import type { MediaStore } from "../core/media.js";
import type { SimnetLogger } from "../core/network.js";
import type { RateLimiter } from "../core/rate-limit.js";
import type { Session, Sessions } from "../core/sessions.js";
import type { Accounts, DeviceRow } from "./accounts.js";
import type { Chats } from "./chats.js";
import type { InteropState } from "./interop/state.js";
import type { MediaKind, RateLimits } from "./protocol.js";
import { forbidden } from "./errors.js";
import { unauthorized } from "../core/protocol-error.js";

export interface WhatsappOptions {
  rateLimits?: Partial<RateLimits>;
  /** Largest plaintext file per media kind, in bytes. */
  mediaLimits?: Partial<Record<MediaKind, number>>;
  retention?: RetentionPolicy;
}

export interface ResolvedOptions {
  rateLimits: RateLimits;
  mediaLimits: Record<MediaKind, number>;
}

export interface Authed {
  session: Session;
  device: DeviceRow;
  /** The user JID. */
  user: string;
}

export interface Wa {
  db: SimnetDatabase;
  streams: EventStreams;
  sessions: Sessions;
  accounts: Accounts;
  chats: Chats;
  /** Third-party providers, their identities and chats (interop/). */
  interop: InteropState;
  media: MediaStore;
  acks: AckLedger;
  sendLimiter: RateLimiter;
  codeLimiter: RateLimiter;
  options: ResolvedOptions;
  now(): number;
  log: SimnetLogger;
  /** Why a session is being ended, for the logged-out stanza its socket gets. */
  logoutReasons: Map<string, string>;
}

export function authenticate(wa: Wa, token: string | undefined): Authed {
  const session = wa.sessions.require(token);
  const device = wa.accounts.deviceOfSession(session.id);
  if (!device) throw unauthorized("the device behind this token is no longer linked");
  return { session, device, user: device.user };
}

export function requirePhone(authed: Authed): void {
  if (authed.device.device !== 0) throw forbidden("primary_device_required", "only the phone (device 0) may do this");
}

/** The event stream of one device incarnation. */
export const deviceStream = (sessionId: string) => `dev:${sessionId}`;

/** Appends a stored stanza to every device of each user (but `exceptSession`). */
export function fanout(wa: Wa, users: Iterable<string>, type: string, payloadFor: (user: string) => Record<string, unknown>, exceptSession?: string): void {
  for (const user of users) {
    const payload = payloadFor(user);
    for (const device of wa.accounts.devices(user)) {
      if (device.session_id !== exceptSession) wa.streams.append(deviceStream(device.session_id), type, payload);
    }
  }
}
