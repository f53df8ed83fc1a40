/**
 * The admin side of the interoperability API: registering, listing and revoking providers (a
 * revoked token stops working at once and the provider's sockets are closed), and listing the
 * third-party chats; their stored messages are under /admin/threads/:key/messages like any
 * thread's.
 */
import { z } from "zod";
import type { Router } from "../../core/http.js";
import { parse } from "../../core/validate.js";
import { notFound } from "../errors.js";
import { CLOSE_CODES, ERROR_CODES, LIMITS, type ErrorFrame } from "../protocol.js";
import type { Messenger } from "../services.js";
import { threadView } from "../views.js";
import { providerConnection } from "./hub.js";
import { toWireProvider } from "./providers.js";

const ProviderBody = z.object({ name: z.string().trim().min(1).max(LIMITS.maxProviderNameLength) });

export function addInteropAdminRoutes(m: Messenger, routes: Router): void {
  routes.add("POST", "/admin/interop/providers", ({ body }) => {
    const { name } = parse(ProviderBody, body);
    const { provider, token } = m.db.transaction(() => m.interop.providers.register(name, m.now()))();
    return { status: 201, body: { provider: toWireProvider(provider), token } };
  });

  routes.add("GET", "/admin/interop/providers", () => ({ body: { providers: m.interop.providers.list().map(toWireProvider) } }));

  routes.add("DELETE", "/admin/interop/providers/:providerId", ({ params }) => {
    const id = params.providerId ?? "";
    if (!m.interop.providers.get(id)) throw notFound(ERROR_CODES.providerNotFound, `no provider '${id.slice(0, 64)}'`);
    const provider = m.interop.providers.revoke(id, m.now())!;
    const farewell: ErrorFrame = { type: "error", code: ERROR_CODES.providerRevoked, message: "this provider's access was revoked" };
    m.live.closeSession(providerConnection(id), id, CLOSE_CODES.sessionRevoked, ERROR_CODES.providerRevoked, farewell);
    return { body: { provider: toWireProvider(provider) } };
  });

  routes.add("GET", "/admin/interop/chats", ({ query }) => {
    const provider = query.get("provider_id") ?? undefined;
    const chats = m.interop.registry.chats(provider).map((key) => ({
      key,
      provider_id: m.interop.registry.provider(key),
      thread: { ...threadView(m, m.threads.get(key)!, ""), id: key },
    }));
    return { body: { chats } };
  });
}
