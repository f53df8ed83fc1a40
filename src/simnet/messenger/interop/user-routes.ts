/**
 * Third-party chats from the app: the "third-party chats" setting (off by default; turning it
 * off leaves every third-party chat at once), searching the people providers published, and
 * starting a direct chat or a group with them.
 */
import { z } from "zod";
import type { Router } from "../../core/http.js";
import { badRequest } from "../../core/protocol-error.js";
import { parse } from "../../core/validate.js";
import { authed } from "../access.js";
import { notFound } from "../errors.js";
import { normaliseGroupName } from "../groups.js";
import { ERROR_CODES, LIMITS } from "../protocol.js";
import type { Messenger } from "../services.js";
import { threadView } from "../views.js";
import { notOptedIn } from "./consent.js";
import { openChat, optIn, optOut } from "./chats.js";
import { toWireThirdParty } from "./identities.js";

const SettingBody = z.object({ enabled: z.boolean() });
const SearchQuery = z.string().trim().min(1).max(LIMITS.maxIdentityHandleLength);
const StartBody = z.object({
  kind: z.enum(["direct", "group"]),
  third_party: z
    .array(z.object({ provider_id: z.string().min(1).max(20), identity_id: z.string().min(1).max(LIMITS.maxIdentityIdLength) }))
    .min(1)
    .max(LIMITS.maxGroupParticipants),
  participant_ids: z.array(z.string().min(1).max(20)).max(LIMITS.maxGroupParticipants).optional(),
  name: z.string().nullable().optional(),
});

export function addInteropUserRoutes(m: Messenger, routes: Router): void {
  const requireOptedIn = (account: string) => {
    if (!m.interop.consent.optedIn(account)) throw notOptedIn("you");
  };

  routes.add("GET", "/v1/me/third_party_chats", authed(m, (_request, session) => ({ body: { enabled: m.interop.consent.optedIn(session.account) } })));

  routes.add(
    "POST",
    "/v1/me/third_party_chats",
    authed(m, ({ body }, session) => {
      const { enabled } = parse(SettingBody, body);
      m.streams.transaction(() => (enabled ? optIn : optOut)(m, session.account));
      return { body: { enabled } };
    }),
  );

  routes.add(
    "GET",
    "/v1/third_party/contacts",
    authed(m, ({ query }, session) => {
      requireOptedIn(session.account);
      const text = parse(SearchQuery, query.get("q") ?? "", "query 'q'");
      return { body: { contacts: m.interop.identities.matching(text, LIMITS.maxContactResults).map(toWireThirdParty) } };
    }),
  );

  routes.add(
    "POST",
    "/v1/third_party/threads",
    authed(m, ({ body }, session) => {
      const request = parse(StartBody, body);
      const me = session.account;
      requireOptedIn(me);
      return m.streams.transaction(() => {
        const contacts = request.third_party.map(({ provider_id, identity_id }) => {
          const identity = m.interop.identities.find(provider_id, identity_id);
          const live = identity?.removed_at === null && m.interop.providers.get(provider_id)?.revoked_at === null;
          if (!identity || !live) throw notFound(ERROR_CODES.identityNotFound, `no third-party contact '${identity_id}' of provider '${provider_id}'`);
          return identity;
        });
        const provider = contacts[0]!.provider;
        if (contacts.some((c) => c.provider !== provider)) throw badRequest(ERROR_CODES.invalidArgument, "a third-party chat holds the contacts of one provider");
        const thread = openChat(m, {
          provider,
          kind: request.kind,
          creator: me,
          users: (request.participant_ids ?? []).filter((id) => id !== me),
          contacts: contacts.map((c) => c.contact),
          name: normaliseGroupName(request.name),
        });
        return { status: request.kind === "group" ? 201 : 200, body: { thread: threadView(m, thread, me) } };
      });
    }),
  );
}
