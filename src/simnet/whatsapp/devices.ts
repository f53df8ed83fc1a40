/**
 * Linking and unlinking devices. A new device is announced to the user's other devices (their
 * device lists changed); an unlinked one loses its token at once, and its socket is told it was
 * logged out (see realtime.ts, which listens for revoked sessions).
 */
import { z } from "zod";
import { deviceInfo, type DeviceRow } from "./accounts.js";
import { fanout, type Wa } from "./context.js";
import { conflict, notFound } from "./errors.js";
import { LIMITS } from "./protocol.js";

export const publicKeySchema = z.string().regex(/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/, "an X25519 public key is 32 bytes, base64");
export const deviceNameSchema = z.string().trim().min(1).max(64);

export type LogoutReason = "unlinked" | "logout" | "replaced_by_new_phone" | "primary_logged_out";

/** Creates the device and its session, inside the caller's transaction; returns the token. */
export function linkDevice(wa: Wa, user: string, device: number, name: string, publicKey: string): { row: DeviceRow; token: string } {
  if (device !== 0 && wa.accounts.devices(user).filter((d) => d.device !== 0).length >= LIMITS.maxCompanions) {
    throw conflict("too_many_devices", `at most ${LIMITS.maxCompanions} companion devices can be linked; unlink one first`);
  }
  const { session, token } = wa.sessions.create(user, name);
  const row = wa.accounts.addDevice({ user, device, session_id: session.id, name, public_key: publicKey });
  const info = deviceInfo(row);
  fanout(wa, [user], "notification", () => ({ kind: "devices", action: "add", device: info.jid, name, t: row.created_at }), session.id);
  return { row, token };
}

/** Unlinks one device: its token dies and its socket is closed with a logged-out stanza. */
export function unlinkDevice(wa: Wa, user: string, device: number, reason: LogoutReason): void {
  const row = wa.accounts.devices(user).find((d) => d.device === device);
  if (!row) throw notFound("device_not_found", `${user} has no device ${device}`);
  wa.streams.transaction(() => {
    wa.accounts.removeDevice(user, device);
    const jid = deviceInfo(row).jid;
    fanout(wa, [user], "notification", () => ({ kind: "devices", action: "remove", device: jid, reason, t: wa.now() }));
  });
  wa.logoutReasons.set(row.session_id, reason);
  wa.sessions.revoke(row.session_id);
}

/** The phone going away takes the companions with it, as on WhatsApp. */
export function unlinkAll(wa: Wa, user: string, phoneReason: LogoutReason, companionReason: LogoutReason): void {
  for (const row of [...wa.accounts.devices(user)].reverse()) {
    unlinkDevice(wa, user, row.device, row.device === 0 ? phoneReason : companionReason);
  }
}
