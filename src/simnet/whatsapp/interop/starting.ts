/**
 * Starting a third-party chat, the same whether a user starts it from the app or a provider as
 * one of its identities: a direct chat is one user and one identity (the same pair always gives
 * the same chat); a group is an ordinary group of the provider, with at least one user. Every
 * user in it must have turned third-party chats on.
 */
import type { Wa } from "../context.js";
import { badRequest } from "../../core/protocol-error.js";
import { createGroup } from "../group-routes.js";
import { isIdentityJid } from "../interop-protocol.js";
import { LIMITS } from "../protocol.js";
import { feedChat } from "./feed.js";
import { requireAdmissible } from "./membership.js";

/** The direct chat of a user and an identity, opened (again) if need be; its provider's id for it. */
export function openDirect(wa: Wa, provider: string, user: string, identity: string, creator: string): string {
  requireAdmissible(wa, provider, [user, identity]);
  return wa.streams.transaction(() => {
    const { row, fresh } = wa.interop.chats.openDirect(provider, user, identity, creator);
    wa.chats.ensureDirect(user, identity);
    if (fresh) feedChat(wa, provider, row.id);
    return row.id;
  });
}

/** A group needs a subject on WhatsApp; without one it is named after its members. */
function defaultSubject(wa: Wa, members: string[]): string {
  const names = members.map((jid) => (isIdentityJid(jid) ? wa.interop.identities.byJid(jid)?.name : wa.accounts.get(jid)?.push_name) ?? "?");
  return names.join(", ").slice(0, LIMITS.maxSubjectChars);
}

export function openGroup(wa: Wa, provider: string, creator: string, members: string[], subject: string | undefined): string {
  const everyone = [creator, ...members.filter((jid) => jid !== creator)];
  if (everyone.every(isIdentityJid)) throw badRequest("no_native_members", "a third-party group needs at least one WhatsApp user");
  return createGroup(wa, creator, subject ?? defaultSubject(wa, everyone), members, { provider }).jid;
}
