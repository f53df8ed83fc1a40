/**
 * Third-party chats in the admin API: registering, listing and revoking providers (a revoked
 * token stops working at once and the provider's socket is closed), and the third-party chats
 * with their stored messages, which on WhatsApp are ciphertext only.
 */
import { z } from "zod";
import type { Router } from "../../core/http.js";
import { parse } from "../../core/validate.js";
import { storedMessages } from "../admin-routes.js";
import type { Wa } from "../context.js";
import { publicKeySchema } from "../devices.js";
import { notFound } from "../errors.js";
import type { MessageStore } from "../message-store.js";
import { directChatKey } from "../protocol.js";
import { identityInfo } from "./identities.js";
import type { InteropChatRow } from "./chats.js";

const providerSchema = z.object({ name: z.string().trim().min(1).max(64), public_key: publicKeySchema });

export function interopAdminRoutes(wa: Wa, store: MessageStore, routes: Router): void {
  routes.add("POST", "/admin/interop/providers", ({ body }) => {
    const request = parse(providerSchema, body, "provider");
    return { status: 201, body: wa.interop.providers.register(request.name, request.public_key) };
  });

  routes.add("GET", "/admin/interop/providers", () => ({ body: { providers: wa.interop.providers.list() } }));

  routes.add("DELETE", "/admin/interop/providers/:id", ({ params }) => {
    const id = params.id ?? "";
    if (!wa.interop.providers.active(id)) throw notFound("provider_not_found", `no active provider ${id}`);
    wa.logoutReasons.set(id, "provider_revoked");
    wa.interop.providers.revoke(id);
    return { body: {} };
  });

  /** A chat's members as the admin sees them: users by JID, identities with who they are. */
  const members = (row: InteropChatRow) => {
    const jids = row.kind === "group" ? wa.chats.members(row.id).map((m) => m.user) : [row.identity ?? "", ...(row.active ? [row.native ?? ""] : [])];
    return jids.map((jid) => {
      const identity = wa.interop.identities.byJid(jid);
      return identity ? { kind: "third_party", ...identityInfo(identity) } : { kind: "native", jid };
    });
  };

  routes.add("GET", "/admin/interop/chats", () => ({
    body: {
      chats: wa.interop.chats.list().map((row) => ({
        id: row.id,
        provider: row.provider,
        kind: row.kind,
        ...(row.kind === "group" ? { title: wa.chats.requireGroup(row.id).subject } : { active: row.active === 1 }),
        creator: row.creator,
        members: members(row),
        created_at: row.created_at,
      })),
    },
  }));

  routes.add("GET", "/admin/interop/chats/:id/messages", ({ params }) => {
    const row = wa.interop.chats.get(params.id ?? "");
    if (!row) throw notFound("chat_not_found", `no third-party chat ${params.id}`);
    const key = row.kind === "group" ? row.id : directChatKey(row.native ?? "", row.identity ?? "");
    return { body: { chat: row.id, ...storedMessages(wa, store, key) } };
  });
}
