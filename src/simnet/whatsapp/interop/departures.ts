/**
 * Leaving third-party chats all at once: a user who turns third-party chats off (opts out), or
 * an identity its provider removes. Groups see them leave as any member leaves; a direct chat
 * closes (off the user's chat list; the same pair opens it again later). Runs inside the
 * caller's transaction, so the setting and its consequences commit together.
 */
import type { Wa } from "../context.js";
import { leaveGroup } from "../group-routes.js";
import type { DirectRow } from "./chats.js";
import { feedMembers, feedOptOut } from "./feed.js";

/** `who` (the user or the identity of the chat) left it. */
function closeDirect(wa: Wa, row: DirectRow, who: string): void {
  wa.interop.chats.closeDirect(row.id);
  wa.chats.forgetDirect(row.native, row.identity);
  feedMembers(wa, { id: row.id, provider: row.provider }, { removed: [who] }, who);
}

/** The user leaves every third-party chat, and every provider that knows them is told. */
export function optOut(wa: Wa, user: string): void {
  for (const group of wa.interop.chats.groupsOf(user)) leaveGroup(wa, group, user);
  for (const direct of wa.interop.chats.activeDirectsOf(user)) closeDirect(wa, direct, user);
  for (const { provider, id } of wa.interop.users.providersOf(user)) feedOptOut(wa, provider, id);
}

/** A removed identity leaves every chat it was in. */
export function withdrawIdentity(wa: Wa, jid: string): void {
  for (const group of wa.interop.chats.groupsOf(jid)) leaveGroup(wa, group, jid);
  for (const direct of wa.interop.chats.activeDirectsOfIdentity(jid)) closeDirect(wa, direct, jid);
  wa.interop.identities.remove(jid);
}
