/**
 * Third-party chats from the app (`/v1/interop/…`, a device's token): searching the people
 * providers published (by handle or name) and starting a direct chat or a group with them.
 * Only users who turned third-party chats on may do either.
 */
import { z } from "zod";
import type { Router } from "../../core/http.js";
import { badRequest } from "../../core/protocol-error.js";
import { parse } from "../../core/validate.js";
import { authenticate, type Wa } from "../context.js";
import { conflict, notFound } from "../errors.js";
import { INTEROP_LIMITS, THIRD_PARTY_ID } from "../interop-protocol.js";
import { isUserJid, LIMITS, type ChatSummary } from "../protocol.js";
import { identityInfo, type IdentityRow } from "./identities.js";
import { openDirect, openGroup } from "./starting.js";
import { liveIdentity, requireOptedIn } from "./state.js";

const searchSchema = z.string().trim().min(1).max(INTEROP_LIMITS.maxHandleChars);
const startSchema = z.object({
  kind: z.enum(["direct", "group"]),
  subject: z.string().trim().min(1).max(LIMITS.maxSubjectChars).optional(),
  third_party: z.array(z.object({ provider: z.string().max(32), id: z.string().regex(THIRD_PARTY_ID) })).min(1).max(LIMITS.maxGroupSize),
  participants: z.array(z.string().refine(isUserJid, "not a user JID")).max(LIMITS.maxGroupSize).default([]),
});

export function userInteropRoutes(wa: Wa, routes: Router): void {
  routes.add("GET", "/v1/interop/contacts", ({ token, query }) => {
    const authed = authenticate(wa, token);
    requireOptedIn(wa.accounts, authed.user);
    const q = parse(searchSchema, query.get("q") ?? "", "search");
    return { body: { results: wa.interop.identities.search(q).map(identityInfo) } };
  });

  routes.add("POST", "/v1/interop/chats", ({ token, body }) => {
    const authed = authenticate(wa, token);
    const request = parse(startSchema, body, "chat");
    requireOptedIn(wa.accounts, authed.user);
    const identities = request.third_party.map(({ provider, id }): IdentityRow => {
      const row = wa.interop.identities.require(provider, id);
      if (!liveIdentity(wa.interop, row.jid)) throw notFound("identity_not_found", `no published identity '${id}'`);
      return row;
    });
    const [first] = identities as [IdentityRow, ...IdentityRow[]];
    if (identities.some((row) => row.provider !== first.provider)) throw conflict("other_provider", "a third-party chat has people of one provider only");
    let jid: string;
    if (request.kind === "direct") {
      if (identities.length > 1 || request.participants.length > 0) throw badRequest("invalid_argument", "a direct chat is you and one third-party contact");
      openDirect(wa, first.provider, authed.user, first.jid, authed.user);
      jid = first.jid;
    } else {
      jid = openGroup(wa, first.provider, authed.user, [...request.participants, ...identities.map((row) => row.jid)], request.subject);
    }
    return { status: 201, body: wa.chats.list(authed.user).find((chat) => chat.jid === jid) as ChatSummary };
  });
}
