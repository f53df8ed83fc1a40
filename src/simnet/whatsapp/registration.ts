/**
 * Registering the phone (device 0): ask for an SMS code for a number, then verify it with the
 * device's public key. The simulation sends no SMS; the pending code is read through the admin
 * API. Registering a number again moves it to the new phone: the old phone and every
 * companion are logged out, as on WhatsApp.
 */
import { z } from "zod";
import { newNumericCode } from "../core/credentials.js";
import type { Router } from "../core/http.js";
import { badRequest } from "../core/protocol-error.js";
import { parse } from "../core/validate.js";
import { deviceInfo } from "./accounts.js";
import type { Wa } from "./context.js";
import { linkDevice, publicKeySchema, unlinkAll } from "./devices.js";
import { forbidden, gone, notFound, rateLimited } from "./errors.js";
import { LIMITS, normalizePhone, userJid } from "./protocol.js";

export const phoneSchema = z.string().max(32).transform((value, ctx) => {
  const phone = normalizePhone(value);
  if (phone === undefined) {
    ctx.addIssue({ code: "custom", message: "not an E.164 phone number (8-15 digits, country code first)" });
    return z.NEVER;
  }
  return phone;
});
export const pushNameSchema = z.string().trim().min(1).max(LIMITS.maxPushNameChars);

const requestSchema = z.object({ phone: phoneSchema, method: z.enum(["sms"]).default("sms") });
const verifySchema = z.object({
  phone: phoneSchema,
  code: z.string().regex(/^\d{3}-?\d{3}$/, "the code is 6 digits"),
  public_key: publicKeySchema,
  push_name: pushNameSchema.optional(),
});

/** Counts a code request for a number against its hourly allowance. */
export function takeCodeRequest(wa: Wa, phone: string): void {
  const taken = wa.codeLimiter.take(phone);
  if (!taken.ok) throw rateLimited("too_many_code_requests", taken.retryAfterMs, "too many codes requested for this number; wait");
}

export function registrationRoutes(wa: Wa, routes: Router): void {
  const upsertCode = wa.db.prepare<[string, string, number]>(
    `INSERT INTO sms_codes (phone, code, attempts, expires_at) VALUES (?, ?, 0, ?)
     ON CONFLICT (phone) DO UPDATE SET code = excluded.code, attempts = 0, expires_at = excluded.expires_at`,
  );
  const selectCode = wa.db.prepare<[string], { code: string; attempts: number; expires_at: number }>("SELECT code, attempts, expires_at FROM sms_codes WHERE phone = ?");
  const countAttempt = wa.db.prepare<[string]>("UPDATE sms_codes SET attempts = attempts + 1 WHERE phone = ?");
  const deleteCode = wa.db.prepare<[string]>("DELETE FROM sms_codes WHERE phone = ?");

  routes.add("POST", "/v1/register/code", ({ body }) => {
    const { phone, method } = parse(requestSchema, body);
    takeCodeRequest(wa, phone);
    const expiresAt = wa.now() + LIMITS.smsCodeTtlMs;
    upsertCode.run(phone, newNumericCode(6), expiresAt);
    return { body: { phone, method, length: 6, expires_at: expiresAt } };
  });

  routes.add("POST", "/v1/register/verify", ({ body }) => {
    const request = parse(verifySchema, body);
    const pending = selectCode.get(request.phone);
    if (!pending) throw notFound("no_pending_code", "no code was requested for this number; request one first");
    if (pending.expires_at < wa.now()) {
      deleteCode.run(request.phone);
      throw gone("code_expired", "the code has expired; request a new one");
    }
    if (pending.code !== request.code.replace("-", "")) {
      countAttempt.run(request.phone);
      if (pending.attempts + 1 >= LIMITS.smsCodeAttempts) {
        deleteCode.run(request.phone);
        throw forbidden("too_many_attempts", "too many wrong codes; request a new one");
      }
      throw forbidden("invalid_code", "the code is wrong");
    }
    const jid = userJid(request.phone);
    const existing = wa.accounts.get(jid);
    if (!existing && request.push_name === undefined) throw badRequest("push_name_required", "a new account needs a push name");
    // The number moves to this phone: whoever held it before is logged out, companions too.
    if (existing) unlinkAll(wa, jid, "replaced_by_new_phone", "primary_logged_out");
    const { row, token } = wa.streams.transaction(() => {
      deleteCode.run(request.phone);
      if (!existing) wa.accounts.create({ phone: request.phone, pushName: request.push_name as string });
      else if (request.push_name !== undefined) wa.accounts.updateProfile(jid, { pushName: request.push_name });
      return linkDevice(wa, jid, 0, "phone", request.public_key);
    });
    return { body: { jid, device_jid: deviceInfo(row).jid, device: 0, token, push_name: wa.accounts.require(jid).push_name } };
  });
}
