/**
 * The admin side of the interoperability API: registering, listing and revoking providers, the
 * identities each published, the third-party chats (their stored items are at
 * /admin/threads/<id>/items, like any thread's), and a user's "third-party chats" setting,
 * changed as if the user had (for demos and tests).
 */
import { z } from "zod";
import type { Router } from "../../core/http.js";
import { parse } from "../../core/validate.js";
import type { Instagram } from "../context.js";
import { describeIdentity } from "../interop/identities.js";
import type { ThirdPartyChats } from "../interop/service.js";

const providerBody = z.object({ name: z.string().max(256) });
const settingBody = z.object({ third_party_chats: z.boolean() });

export function interopAdminRoutes(routes: Router, ig: Instagram, chats: ThirdPartyChats): void {
  routes
    .add("POST", "/admin/interop/providers", ({ body }) => {
      const { provider, token } = ig.providers.register(parse(providerBody, body).name);
      return { status: 201, body: { ...provider, token } };
    })
    .add("GET", "/admin/interop/providers", () => ({ body: { providers: ig.providers.list() } }))
    .add("DELETE", "/admin/interop/providers/:id", ({ params }) => ({ body: ig.providers.revoke(params.id ?? "") }))
    .add("GET", "/admin/interop/providers/:id/identities", ({ params }) => {
      const provider = ig.providers.require(params.id ?? "");
      return { body: { identities: ig.identities.list(provider.provider_id).map(describeIdentity) } };
    })
    .add("GET", "/admin/interop/threads", ({ query }) => {
      const marked = ig.thirdPartyThreads.list(query.get("provider") ?? undefined);
      return { body: { threads: marked.map((t) => ({ ...ig.feed.thread(t.thread_id), provider_id: t.provider_id, created_at: t.created_at })) } };
    })
    .add("POST", "/admin/accounts/:ref/third_party", ({ params, body }) => {
      const pk = ig.accounts.require(params.ref ?? "").pk;
      chats.setOptIn(pk, parse(settingBody, body).third_party_chats);
      return { body: { pk, third_party_chats: ig.optIns.isOptedIn(pk) } };
    });
}
