/**
 * Group threads and their rules: the creator is admin; admins add and remove people and promote
 * or demote admins; anyone may rename the group or change its image unless an admin restricted
 * that (`admin_only_edits`); anyone may leave. A group keeps at least one admin: when the last
 * one leaves, the longest-standing member is promoted. Every change is a delta to all members.
 */
import { badRequest } from "../core/protocol-error.js";
import { participantIds, requireAdmin, requireGroup, type ThreadAccess } from "./access.js";
import { conflict, forbidden, notFound, userNotFound } from "./errors.js";
import { ERROR_CODES, LIMITS } from "./protocol.js";
import type { Messenger } from "./services.js";
import type { ThreadRow } from "./store/threads.js";
import { threadView } from "./views.js";

function checkGroupSize(count: number): void {
  if (count > LIMITS.maxGroupParticipants) {
    throw conflict(ERROR_CODES.groupFull, `a group holds at most ${LIMITS.maxGroupParticipants} people`);
  }
}

export function normaliseGroupName(name: string | null | undefined): string | null {
  const trimmed = name?.trim() ?? "";
  if (trimmed.length > LIMITS.maxGroupNameLength) {
    throw badRequest(ERROR_CODES.invalidArgument, `a group name is at most ${LIMITS.maxGroupNameLength} characters`);
  }
  return trimmed.length > 0 ? trimmed : null;
}

export function requireAccounts(m: Messenger, ids: Iterable<string>): void {
  for (const id of ids) if (!m.accounts.get(id)) throw userNotFound(id);
}

/** The third-party side of a new group: its provider and its contacts (the creator may be one). */
export interface ThirdPartyMembers {
  provider: string;
  contacts: readonly string[];
}

/**
 * Creates a group of `members` (the creator among them) and, for a third-party chat, the
 * provider's contacts; call inside `streams.transaction()`.
 */
export function createGroup(m: Messenger, creator: string, members: string[], admins: ReadonlySet<string>, name: string | null, thirdParty?: ThirdPartyMembers): ThreadRow {
  const contacts = [...new Set(thirdParty?.contacts)];
  const natives = [...new Set([creator, ...members])].filter((id) => !contacts.includes(id));
  const everyone = [...natives, ...contacts];
  // Third-party groups follow the same rule: the network applies its own rules to them.
  if (everyone.length < LIMITS.minGroupParticipants) throw badRequest(ERROR_CODES.invalidArgument, `a group needs at least ${LIMITS.minGroupParticipants} people, the creator included`);
  checkGroupSize(everyone.length);
  requireAccounts(m, natives);
  for (const admin of admins) if (!everyone.includes(admin)) throw badRequest(ERROR_CODES.invalidArgument, `admin '${admin}' is not a member`);
  const thread = m.threads.create(m.ids.group(), "group", creator, natives, new Set([creator, ...admins]), name, m.now(), contacts);
  // Registered before the first delta, so contacts get theirs through the provider.
  if (thirdParty) m.interop.registry.add(thread.key, thirdParty.provider);
  const view = threadView(m, thread, creator);
  m.deltas.publish(thread.key, everyone, creator, () => ({ type: "thread_created", thread: view }));
  return thread;
}

function groupMember(access: ThreadAccess, userId: string) {
  const member = access.participants.find((p) => p.account === userId);
  if (!member) throw notFound(ERROR_CODES.userNotFound, `'${userId}' is not in this group`);
  return member;
}

function requireEditor(access: ThreadAccess): void {
  requireGroup(access);
  if (access.thread.admin_only_edits === 1 && access.me.is_admin !== 1) {
    throw forbidden(ERROR_CODES.notAdmin, "only admins may change this group's name and image");
  }
}

export function renameGroup(m: Messenger, access: ThreadAccess, name: string | null): void {
  requireEditor(access);
  m.threads.setName(access.thread.key, name);
  m.deltas.tell(access, { type: "thread_name", name });
}

export function setGroupImage(m: Messenger, access: ThreadAccess, attachmentId: string | null): void {
  requireEditor(access);
  if (attachmentId !== null) {
    const attachment = m.attachments.get(attachmentId);
    if (!attachment) throw notFound(ERROR_CODES.attachmentNotFound, `no attachment '${attachmentId}'`);
    if (attachment.kind !== "image") throw badRequest(ERROR_CODES.attachmentKindMismatch, "a group image must be an image attachment");
  }
  m.threads.setImage(access.thread.key, attachmentId);
  m.deltas.tell(access, { type: "thread_image", image_attachment_id: attachmentId });
}

export function setAdminOnlyEdits(m: Messenger, access: ThreadAccess, value: boolean): void {
  requireAdmin(access);
  m.threads.setAdminOnlyEdits(access.thread.key, value);
  m.deltas.tell(access, { type: "thread_settings", admin_only_edits: value });
}

/**
 * Adds users (`userIds`) and, in a third-party chat, the provider's contacts. Users added to a
 * third-party chat must have third-party chats on, and their provider learns of them.
 */
export function addParticipants(m: Messenger, access: ThreadAccess, userIds: string[], contacts: readonly string[] = []): void {
  requireAdmin(access);
  const current = new Set(participantIds(access));
  const users = [...new Set(userIds)];
  const newContacts = [...new Set(contacts)];
  const added = [...users, ...newContacts];
  const provider = m.interop.registry.provider(access.thread.key);
  // First, so that a provider cannot tell a missing user from one who has not opted in.
  if (provider !== undefined) m.interop.consent.requireOptedIn(users);
  requireAccounts(m, users);
  for (const id of added) if (current.has(id)) throw conflict(ERROR_CODES.alreadyParticipant, `'${id}' is already in this group`);
  checkGroupSize(current.size + added.length);
  const now = m.now();
  for (const id of users) m.threads.addParticipant(access.thread.key, id, now);
  for (const id of newContacts) m.threads.addContact(access.thread.key, id, now);
  if (provider !== undefined) for (const id of users) m.interop.consent.learn(id, provider);
  const everyone = [...current, ...added];
  const view = threadView(m, access.thread, access.me.account);
  m.deltas.publish(access.thread.key, everyone, access.me.account, () => ({ type: "participants_added", user_ids: added, thread: view }));
}

/** Removes `userId` (an admin removing someone, or anyone leaving when it is themselves). */
export function removeParticipant(m: Messenger, access: ThreadAccess, userId: string): void {
  requireGroup(access);
  const actor = access.me.account;
  if (userId !== actor) requireAdmin(access);
  groupMember(access, userId);
  const key = access.thread.key;
  // The removed person hears of it too, then no longer.
  m.deltas.tell(access, { type: "participant_removed", user_id: userId });
  m.threads.removeParticipant(key, userId);
  const remaining = access.participants.filter((p) => p.account !== userId);
  if (remaining.length > 0 && !remaining.some((p) => p.is_admin === 1)) {
    const heir = remaining[0]!;
    m.threads.setAdmin(key, heir.account, true);
    m.deltas.publish(key, remaining.map((p) => p.account), actor, () => ({ type: "admin_changed", user_id: heir.account, is_admin: true }));
  }
}

export function setAdmin(m: Messenger, access: ThreadAccess, userId: string, isAdmin: boolean): void {
  requireAdmin(access);
  const target = groupMember(access, userId);
  if ((target.is_admin === 1) === isAdmin) return;
  if (!isAdmin && access.participants.filter((p) => p.is_admin === 1).length === 1) {
    throw conflict(ERROR_CODES.lastAdmin, "a group keeps at least one admin; promote someone else first");
  }
  m.threads.setAdmin(access.thread.key, userId, isAdmin);
  m.deltas.tell(access, { type: "admin_changed", user_id: userId, is_admin: isAdmin });
}
