/**
 * Third-party chats in the app: the "third-party chats" setting (off until the user turns it
 * on; turning it off leaves every third-party chat), searching the contacts providers published
 * (by handle or name) and starting a direct chat or a group with them.
 */
import { z } from "zod";
import type { Router } from "../../core/http.js";
import { parse } from "../../core/validate.js";
import type { Instagram } from "../context.js";
import type { ThirdPartyChats } from "../interop/service.js";
import { API, LIMITS } from "../protocol.js";
import { clientContext } from "../fields.js";
import { authed, recipients, resolveRecipients } from "./common.js";

const T = `${API}/direct_v2/third_party`;
const settingsBody = z.object({ third_party_chats: z.boolean() });
const contact = z.object({ provider_id: z.string().max(64), third_party_id: z.string().max(256) });
const createBody = recipients.extend({
  thread_type: z.enum(["private", "group"]),
  thread_title: z.string().max(500).optional(),
  third_party_users: z.array(contact).min(1).max(LIMITS.groupMaxParticipants),
  client_context: clientContext.optional(),
});

export function interopUserRoutes(routes: Router, ig: Instagram, chats: ThirdPartyChats): void {
  const setting = (pk: string) => ({ third_party_chats: ig.optIns.isOptedIn(pk) });
  routes
    .add("GET", `${T}/settings/`, authed(ig, (session) => setting(session.account)))
    .add(
      "POST",
      `${T}/settings/`,
      authed(ig, (session, { body }) => {
        chats.setOptIn(session.account, parse(settingsBody, body).third_party_chats);
        return setting(session.account);
      }),
    )
    .add(
      "GET",
      `${T}/search/`,
      authed(ig, (session, { query }) => ({ users: chats.search(session.account, query.get("query") ?? "").map((identity) => ig.identities.user(identity)) })),
    )
    .add(
      "POST",
      `${T}/create_thread/`,
      authed(ig, (session, { body }) => {
        const request = parse(createBody, body);
        const spec = {
          kind: request.thread_type === "private" ? ("direct" as const) : ("group" as const),
          title: request.thread_title?.trim() ? request.thread_title : null,
          thirdParty: request.third_party_users.map((c) => ({ provider: c.provider_id, id: c.third_party_id })),
          users: resolveRecipients(ig, request).filter((pk) => pk !== session.account),
          ...(request.client_context !== undefined ? { clientContext: request.client_context } : {}),
        };
        return { thread: chats.startChat(session.account, spec) };
      }),
    );
}
