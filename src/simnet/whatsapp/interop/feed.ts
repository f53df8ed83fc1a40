/**
 * What reaches a provider: one ordered, durable stream of stanzas per provider, naming chats,
 * people and devices the way that provider knows them (interop user ids, its own identity ids,
 * its chat ids), so no phone number or phone JID is ever in it. The places where chats change
 * (sends, receipts, group changes, opt-ins and opt-outs) call these inside their own
 * transaction, so a provider hears of a change exactly when the change commits.
 */
import type { DeviceRow } from "../accounts.js";
import type { ThirdPartyRef } from "../chats.js";
import type { Authed, Wa } from "../context.js";
import { isIdentityJid, providerDeviceJid, userDeviceName, type ProviderNotification, type WireChat, type WireParticipant } from "../interop-protocol.js";
import type { EnvelopeKind, GroupAction } from "../protocol.js";
import type { IdentityRow } from "./identities.js";
import { providerStream } from "./providers.js";

/** A chat member as `provider` knows them. */
export function participantOf(wa: Wa, provider: string, jid: string): WireParticipant {
  // Identity rows are never deleted (a removed one keeps its JID), so one is always found.
  if (isIdentityJid(jid)) return { kind: "third_party", id: (wa.interop.identities.byJid(jid) as IdentityRow).id };
  return { kind: "native", id: wa.interop.users.idFor(provider, jid) };
}

/** A device as `provider` names it: its own device JID, or `<user id>:<device>`. */
export function deviceNameFor(wa: Wa, provider: string, row: DeviceRow): string {
  return row.session_id === provider ? providerDeviceJid(provider) : userDeviceName(wa.interop.users.idFor(provider, row.user), row.device);
}

/** A revoked provider's stream stops growing: nobody will read it. */
function append(wa: Wa, provider: string, type: string, payload: Record<string, unknown>): void {
  if (wa.interop.providers.active(provider)) wa.streams.append(providerStream(provider), type, payload);
}

function notify(wa: Wa, provider: string, notification: ProviderNotification): void {
  append(wa, provider, "notification", { ...notification, t: wa.now() });
}

export interface EnvelopeMeta {
  id: string;
  kind: EnvelopeKind;
  target?: string | undefined;
  reaction_removed?: boolean | undefined;
}

export function feedEnvelope(wa: Wa, chat: ThirdPartyRef, sender: Authed, envelope: EnvelopeMeta, t: number, ciphertext: string): void {
  const { provider } = chat;
  append(wa, provider, "message", {
    id: envelope.id,
    chat: chat.id,
    from: participantOf(wa, provider, sender.user),
    from_device: deviceNameFor(wa, provider, sender.device),
    t,
    kind: envelope.kind,
    ...(envelope.target !== undefined ? { target: envelope.target } : {}),
    ...(envelope.reaction_removed !== undefined ? { reaction_removed: envelope.reaction_removed } : {}),
    ciphertext,
  });
}

/** `ids` (newest last) were read by `reader`. */
export function feedRead(wa: Wa, chat: ThirdPartyRef, reader: string, ids: string[], t: number): void {
  const upTo = ids[ids.length - 1];
  if (upTo === undefined) return;
  append(wa, chat.provider, "receipt", { kind: "read", chat: chat.id, from: participantOf(wa, chat.provider, reader), ids, up_to: upTo, t });
}

/** A third-party chat as its provider sees it now. */
export function wireChat(wa: Wa, provider: string, chatId: string): WireChat {
  const row = wa.interop.chats.get(chatId);
  const as = (jid: string) => participantOf(wa, provider, jid);
  if (row?.kind === "direct" && row.identity !== null && row.native !== null) {
    return { id: chatId, kind: "direct", members: [as(row.identity), ...(row.active ? [as(row.native)] : [])], creator: as(row.creator) };
  }
  const group = wa.chats.requireGroup(chatId);
  return { id: chatId, kind: "group", title: group.subject, members: group.participants.map((p) => as(p.jid)), creator: as(group.creator) };
}

export function feedChat(wa: Wa, provider: string, chatId: string): void {
  notify(wa, provider, { kind: "chat", chat: wireChat(wa, provider, chatId) });
}

export function feedMembers(wa: Wa, chat: ThirdPartyRef, change: { added?: string[]; removed?: string[] }, by: string): void {
  const as = (jid: string) => participantOf(wa, chat.provider, jid);
  notify(wa, chat.provider, { kind: "members", chat: chat.id, added: (change.added ?? []).map(as), removed: (change.removed ?? []).map(as), by: as(by) });
}

/** Every provider hears of it, and so gets an id for the user, as a lookup would give. */
export function feedOptIn(wa: Wa, user: string): void {
  const name = wa.accounts.require(user).push_name;
  for (const provider of wa.interop.providers.list()) {
    if (provider.revoked_at === null) notify(wa, provider.id, { kind: "opt_in", user: wa.interop.users.idFor(provider.id, user), name });
  }
}

export function feedOptOut(wa: Wa, provider: string, userId: string): void {
  notify(wa, provider, { kind: "opt_out", user: userId });
}

/** A group notification, as the provider of a third-party group hears of it. */
export function feedGroupChange(wa: Wa, group: string, by: string, action: GroupAction, fields: Record<string, unknown>): void {
  const provider = wa.interop.chats.groupProvider(group);
  if (provider === undefined) return;
  const thirdParty = { id: group, provider };
  const participants = Array.isArray(fields.participants) ? (fields.participants as unknown[]).filter((p): p is string => typeof p === "string") : [];
  switch (action) {
    case "create":
      return feedChat(wa, thirdParty.provider, thirdParty.id);
    case "add":
      return feedMembers(wa, thirdParty, { added: participants }, by);
    case "remove":
    case "leave":
      return feedMembers(wa, thirdParty, { removed: participants }, by);
    case "subject":
      return notify(wa, thirdParty.provider, { kind: "title", chat: thirdParty.id, title: String(fields.subject), by: participantOf(wa, thirdParty.provider, by) });
    default:
      // Admin roles, descriptions, pictures and group settings have no third-party event.
      return;
  }
}
