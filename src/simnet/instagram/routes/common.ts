/**
 * What every Instagram route shares: the bearer token (Instagram's `IGT:2:` form) resolved to a
 * session, `status: "ok"` on every answer, and query and body fields checked the same way.
 */
import { z } from "zod";
import type { HttpHandler, HttpRequest, HttpResponse } from "../../core/http.js";
import { badRequest, unauthorized } from "../../core/protocol-error.js";
import type { Session } from "../../core/sessions.js";
import type { Instagram } from "../context.js";
import { TOKEN_PREFIX } from "../protocol.js";
import { numericId } from "../fields.js";

export function sessionOf(ig: Instagram, token: string | undefined): Session {
  if (token === undefined) throw unauthorized("an access token is required");
  if (!token.startsWith(TOKEN_PREFIX)) throw unauthorized("the access token is not an Instagram token");
  return ig.sessions.require(token.slice(TOKEN_PREFIX.length));
}

export const ok = (body: object = {}, headers?: Record<string, string>): HttpResponse => ({
  body: { ...body, status: "ok" },
  ...(headers ? { headers } : {}),
});

/** A handler for a logged-in user; its result is answered with `status: "ok"`. */
export function authed(ig: Instagram, handler: (session: Session, request: HttpRequest) => object | Promise<object>): HttpHandler {
  return async (request) => ok(await handler(sessionOf(ig, request.token), request));
}

/** A page size from the query: `fallback` when absent, 1..`max` otherwise. */
export function limitParam(request: HttpRequest, fallback: number, max: number): number {
  const raw = request.query.get("limit");
  if (raw === null) return fallback;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw badRequest("invalid_argument", `'limit' must be a whole number from 1 to ${max}`);
  return limit;
}

/** The optional `cursor` query parameter. */
export function cursorParam(request: HttpRequest): string | undefined {
  const cursor = request.query.get("cursor");
  return cursor === null || cursor === "" ? undefined : cursor;
}

/** Recipients by pk or username. */
export const recipients = z.object({
  recipient_users: z.array(numericId).max(300).optional(),
  recipient_usernames: z.array(z.string().max(64)).max(300).optional(),
});

/** The pks of `recipient_users` and `recipient_usernames` together. */
export function resolveRecipients(ig: Instagram, body: z.infer<typeof recipients>): string[] {
  return [...(body.recipient_users ?? []), ...(body.recipient_usernames ?? [])].map((ref) => ig.accounts.require(ref).pk);
}
