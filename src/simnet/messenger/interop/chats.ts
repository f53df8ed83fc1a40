/**
 * Third-party chats: made by a provider (as one of its identities) or by a user from the app. A
 * direct chat is one user and one contact, and the same pair always gives the same chat (its
 * key is the pair's, as for any direct thread); a group follows Messenger's group rules, its
 * creator its admin. Every user in one must have third-party chats on. Leaving them all at once
 * is what opting out and withdrawing an identity do.
 */
import { badRequest } from "../../core/protocol-error.js";
import { accessFor } from "../access.js";
import { createGroup, removeParticipant } from "../groups.js";
import { directKey } from "../ids.js";
import { ERROR_CODES } from "../protocol.js";
import type { Messenger } from "../services.js";
import type { ThreadRow } from "../store/threads.js";

export interface NewChat {
  provider: string;
  kind: "direct" | "group";
  /** A user or one of the provider's contacts; the group's admin. */
  creator: string;
  users: readonly string[];
  contacts: readonly string[];
  name: string | null;
}

/**
 * Opens a chat (or finds the direct one); call inside `streams.transaction()`. The provider
 * hears `chat` when a chat is new, or someone came back to a direct one: a direct chat found
 * again as it was changes nothing.
 */
export function openChat(m: Messenger, spec: NewChat): ThreadRow {
  const creatorIsContact = m.interop.identities.contact(spec.creator) !== undefined;
  const users = [...new Set(creatorIsContact ? spec.users : [spec.creator, ...spec.users])];
  const contacts = [...new Set(creatorIsContact ? [spec.creator, ...spec.contacts] : spec.contacts)];
  m.interop.consent.requireOptedIn(users);
  const { thread, changed } =
    spec.kind === "direct"
      ? openDirect(m, spec, users, contacts)
      : { thread: createGroup(m, spec.creator, users, new Set(), spec.name, { provider: spec.provider, contacts }), changed: true };
  for (const user of users) m.interop.consent.learn(user, spec.provider);
  if (changed) m.interop.hub.append(spec.provider, { type: "chat", chat: m.interop.hub.chatView(thread.key) });
  return thread;
}

function openDirect(m: Messenger, spec: NewChat, users: string[], contacts: string[]): { thread: ThreadRow; changed: boolean } {
  const [user, contact] = [users[0], contacts[0]];
  if (users.length !== 1 || contacts.length !== 1 || user === undefined || contact === undefined) {
    throw badRequest(ERROR_CODES.invalidArgument, "a direct third-party chat is one Messenger user and one third-party contact");
  }
  if (spec.name !== null) throw badRequest(ERROR_CODES.invalidArgument, "a direct chat has no name; make a group to name it");
  const key = directKey(user, contact);
  const now = m.now();
  const existing = m.threads.get(key);
  if (!existing) {
    const thread = m.threads.create(key, "direct", spec.creator, [user], new Set(), null, now, [contact]);
    m.interop.registry.add(key, spec.provider);
    return { thread, changed: true };
  }
  // Someone who left (opted out, or an identity withdrawn) and comes back finds the same chat.
  const present = new Set(m.threads.memberIds(key));
  if (!present.has(user)) m.threads.addParticipant(key, user, now);
  if (!present.has(contact)) m.threads.addContact(key, contact, now);
  return { thread: existing, changed: !present.has(user) || !present.has(contact) };
}

/** `member` (a user or a contact) leaves the chat; the others, the provider included, see it. */
export function leaveChat(m: Messenger, threadKey: string, member: string): void {
  const thread = m.threads.get(threadKey);
  if (!thread) return;
  const access = accessFor(m, thread, member);
  if (thread.kind === "group") return removeParticipant(m, access, member);
  m.deltas.tell(access, { type: "participant_removed", user_id: member });
  m.threads.removeParticipant(thread.key, member);
}

/**
 * Turns third-party chats on for `account`: every provider hears `opt_in` and so knows of them
 * (and will hear of an opt-out). Turning on what is on tells nobody. Call inside a transaction.
 */
export function optIn(m: Messenger, account: string): void {
  if (!m.interop.consent.optIn(account, m.now())) return;
  const name = m.accounts.get(account)!.name;
  for (const provider of m.interop.providers.list()) {
    if (provider.revoked_at !== null) continue;
    m.interop.consent.learn(account, provider.id);
    m.interop.hub.append(provider.id, { type: "opt_in", user_id: account, name });
  }
}

/**
 * Turns third-party chats off for `account`: they leave every third-party chat, and each
 * provider that knew them hears `opt_out` after the departures. Call inside a transaction.
 */
export function optOut(m: Messenger, account: string): void {
  const providers = new Set(m.interop.consent.optOut(account));
  for (const key of m.interop.registry.chatsOf(account)) {
    providers.add(m.interop.registry.provider(key)!);
    leaveChat(m, key, account);
  }
  for (const provider of providers) m.interop.hub.append(provider, { type: "opt_out", user_id: account });
}

/** Withdraws a published identity: it leaves every chat it is in. Call inside a transaction. */
export function withdrawIdentity(m: Messenger, contact: string): void {
  for (const key of m.interop.identities.threads(contact)) leaveChat(m, key, contact);
  m.interop.identities.remove(contact, m.now());
}
