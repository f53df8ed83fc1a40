/**
 * The interoperability API a third-party provider calls with its token (`/interop/v1/…`):
 * looking up users who allow it by phone number, listing everyone who opted in, publishing
 * identities, opening chats, and acting in them as one of its identities. Every action goes
 * through the same code as a device's, so WhatsApp's rules apply unchanged: group rights, the
 * edit and delete windows, one reaction per person, media limits, and the send rate per
 * identity. Its events arrive on its realtime socket (feed.ts). It names users by their interop
 * ids and devices as `<id>:<n>`.
 */
import { z } from "zod";
import type { Router } from "../../core/http.js";
import { badRequest } from "../../core/protocol-error.js";
import { parse } from "../../core/validate.js";
import { deviceInfo, type DeviceRow } from "../accounts.js";
import type { ChatRef } from "../chats.js";
import type { Authed, Wa } from "../context.js";
import { forbidden, gone, notFound, rateLimited } from "../errors.js";
import { changeParticipants, requireAdmin } from "../group-routes.js";
import { BADGES, INTEROP_LIMITS, isDirectChatId, isIdentityJid, THIRD_PARTY_ID, type WireParticipant } from "../interop-protocol.js";
import type { Live } from "../live.js";
import type { MessageStore } from "../message-store.js";
import { directChatKey, isGroupJid, LIMITS, MESSAGE_ID, userJid } from "../protocol.js";
import { applyReceipt } from "../receipts.js";
import { phoneSchema } from "../registration.js";
import { devicesAs, envelopeFields, parseEnvelope, storeEnvelope } from "../send.js";
import { fetchUpload, storeUpload } from "../uploads.js";
import { withdrawIdentity } from "./departures.js";
import { deviceNameFor, wireChat } from "./feed.js";
import { identityInfo } from "./identities.js";
import type { ProviderRow } from "./providers.js";
import { requireAdmissible } from "./membership.js";
import { openDirect, openGroup } from "./starting.js";

const thirdPartyId = z.string().regex(THIRD_PARTY_ID, "an identity id is 1-128 characters of A-Z a-z 0-9 . _ : = -");
const chatId = z.string().max(64);
const identitySchema = z.object({
  name: z.string().trim().min(1).max(INTEROP_LIMITS.maxIdentityNameChars),
  network: z.enum(BADGES),
  handle: z.string().trim().min(1).max(INTEROP_LIMITS.maxHandleChars),
});
const participantSchema = z.object({ kind: z.enum(["native", "third_party"]), id: z.string().min(1).max(128) });
const participantList = z.array(participantSchema).min(1).max(LIMITS.maxGroupSize);
const createChatSchema = z.object({
  kind: z.enum(["direct", "group"]),
  title: z.string().trim().min(1).max(LIMITS.maxSubjectChars).optional(),
  creator: thirdPartyId,
  members: participantList,
});
const participantsSchema = z.object({ as: thirdPartyId, action: z.enum(["add", "remove"]), participants: participantList });
const messageSchema = z.object({ ...envelopeFields, chat: chatId, as: thirdPartyId });
const readSchema = z.object({ chat: chatId, as: thirdPartyId, up_to: z.string().regex(MESSAGE_ID) });
const chatStateSchema = z.object({ chat: chatId, as: thirdPartyId, state: z.enum(["composing", "recording", "paused"]) });
const lookupSchema = z.object({ phone: phoneSchema });

/** The provider acting as one of its published identities: a sender like any device. */
function actingAs(wa: Wa, provider: ProviderRow, id: string): Authed {
  const identity = wa.interop.identities.require(provider.id, id);
  const device = wa.interop.providers.device(provider.id) as DeviceRow;
  return { session: { id: provider.id, account: identity.jid, label: "provider", createdAt: provider.created_at }, device, user: identity.jid };
}

/** Who a participant the provider names is; users only by an id this provider was given. */
function memberJid(wa: Wa, provider: string, participant: WireParticipant): string {
  if (participant.kind === "third_party") return wa.interop.identities.require(provider, participant.id).jid;
  const user = wa.interop.users.userOf(provider, participant.id);
  if (user === undefined) throw notFound("user_not_found", `this provider knows no user ${participant.id}`);
  return user;
}

/**
 * One of the provider's chats; with `as` (an identity's JID), for that identity to act in as a
 * member. A direct chat the user left is refused: nothing more is delivered to them.
 */
function chatFor(wa: Wa, provider: string, id: string, as?: string): ChatRef {
  const row = wa.interop.chats.get(id);
  if (!row || row.provider !== provider) throw notFound("chat_not_found", `this provider has no chat ${id}`);
  if (row.kind === "group" && isGroupJid(id)) {
    if (as !== undefined) return wa.chats.resolve(as, id);
    return { kind: "group", key: id, group: id, users: wa.chats.members(id).map((m) => m.user), role: "member", thirdParty: { id, provider } };
  }
  if (!isDirectChatId(id) || row.native === null || row.identity === null) throw notFound("chat_not_found", `this provider has no chat ${id}`);
  if (as !== undefined && as !== row.identity) throw forbidden("not_a_participant", "this identity is not in that chat");
  if (!row.active) {
    if (!wa.accounts.get(row.native)?.third_party_chats) throw forbidden("not_opted_in", "the user turned third-party chats off");
    throw gone("chat_closed", "the chat was closed; open it again with POST /interop/v1/chats");
  }
  return { kind: "direct", key: directChatKey(row.native, row.identity), peer: row.native, users: [row.identity, row.native], thirdParty: { id, provider } };
}

export function providerRoutes(wa: Wa, store: MessageStore, live: Live, routes: Router): void {
  const auth = (token: string | undefined) => wa.interop.providers.authenticate(token);
  const deviceNames = (provider: string) => (row: DeviceRow) => deviceNameFor(wa, provider, row);

  routes.add("GET", "/interop/v1/me", ({ token }) => {
    const provider = auth(token);
    return { body: wa.interop.providers.list().find((p) => p.id === provider.id) };
  });

  routes.add("POST", "/interop/v1/lookup", ({ token, body }) => {
    const provider = auth(token);
    const taken = wa.interop.lookupLimiter.take(provider.id);
    if (!taken.ok) throw rateLimited("rate_overlimit", taken.retryAfterMs, "too many lookups; slow down");
    const account = wa.accounts.get(userJid(parse(lookupSchema, body).phone));
    // One answer for "no such number" and "not findable by number": a lookup leaks nothing.
    if (!account?.registered || !account.third_party_chats || !account.discoverable_by_phone) {
      throw notFound("not_found", "nobody who can be found by this number");
    }
    return { body: { user: { id: wa.interop.users.idFor(provider.id, account.jid), name: account.push_name } } };
  });

  routes.add("GET", "/interop/v1/users", ({ token }) => {
    const provider = auth(token);
    // Not limited as lookups are: nobody is found by number here.
    return { body: { users: wa.streams.transaction(() => wa.interop.users.optedIn(provider.id)) } };
  });

  routes.add("PUT", "/interop/v1/identities/:id", ({ token, params, body }) => {
    const provider = auth(token);
    const id = parse(thirdPartyId, params.id, "identity id");
    return { body: identityInfo(wa.interop.identities.publish(provider.id, { id, ...parse(identitySchema, body, "identity") })) };
  });

  routes.add("DELETE", "/interop/v1/identities/:id", ({ token, params }) => {
    const provider = auth(token);
    const identity = wa.interop.identities.require(provider.id, params.id ?? "");
    wa.streams.transaction(() => withdrawIdentity(wa, identity.jid));
    return { body: {} };
  });

  routes.add("POST", "/interop/v1/chats", ({ token, body }) => {
    const provider = auth(token);
    const request = parse(createChatSchema, body, "chat");
    const creator = actingAs(wa, provider, request.creator).user;
    const members = [...new Set(request.members.map((m) => memberJid(wa, provider.id, m)))].filter((jid) => jid !== creator);
    if (request.kind === "group") return { status: 201, body: wireChat(wa, provider.id, openGroup(wa, provider.id, creator, members, request.title)) };
    const [user, ...others] = members;
    if (user === undefined || others.length > 0 || isIdentityJid(user)) throw badRequest("invalid_argument", "a direct chat is its creator and one WhatsApp user");
    return { status: 201, body: wireChat(wa, provider.id, openDirect(wa, provider.id, user, creator, creator)) };
  });

  routes.add("GET", "/interop/v1/chats/:chat", ({ token, params }) => {
    const provider = auth(token);
    const chat = chatFor(wa, provider.id, params.chat ?? "");
    return { body: wireChat(wa, provider.id, chat.thirdParty?.id ?? "") };
  });

  routes.add("GET", "/interop/v1/chats/:chat/devices", ({ token, params }) => {
    const provider = auth(token);
    return { body: { devices: devicesAs(wa, chatFor(wa, provider.id, params.chat ?? ""), deviceNames(provider.id)) } };
  });

  routes.add("POST", "/interop/v1/chats/:chat/participants", ({ token, params, body }) => {
    const provider = auth(token);
    const request = parse(participantsSchema, body, "participants");
    const authed = actingAs(wa, provider, request.as);
    const chat = chatFor(wa, provider.id, params.chat ?? "", authed.user);
    if (chat.kind !== "group") throw forbidden("not_a_group", "a direct chat has no members to change");
    requireAdmin(chat);
    const jids = request.participants.map((p) => memberJid(wa, provider.id, p));
    // All or nothing: one user who has not opted in refuses the whole call.
    if (request.action === "add") requireAdmissible(wa, provider.id, jids.filter((jid) => !chat.users.includes(jid)));
    wa.streams.transaction(() => changeParticipants(wa, authed, chat, request.action, jids));
    return { body: wireChat(wa, provider.id, chat.group) };
  });

  routes.add("GET", "/interop/v1/users/:id/devices", ({ token, params }) => {
    const provider = auth(token);
    const user = memberJid(wa, provider.id, { kind: "native", id: params.id ?? "" });
    return { body: { devices: wa.accounts.devices(user).map((row) => ({ ...deviceInfo(row), jid: deviceNameFor(wa, provider.id, row) })) } };
  });

  routes.add("POST", "/interop/v1/messages", ({ token, body }) => {
    const provider = auth(token);
    const envelope = parseEnvelope(messageSchema, body);
    const authed = actingAs(wa, provider, envelope.as);
    const sender = { authed, deviceName: deviceNames(provider.id) };
    return { body: storeEnvelope(wa, store, sender, envelope, () => chatFor(wa, provider.id, envelope.chat, authed.user), envelope.chat) };
  });

  routes.add("POST", "/interop/v1/receipts", ({ token, body }) => {
    const provider = auth(token);
    const request = parse(readSchema, body, "receipt");
    const authed = actingAs(wa, provider, request.as);
    return { body: wa.streams.transaction(() => applyReceipt(wa, store, authed, chatFor(wa, provider.id, request.chat, authed.user), "read", [request.up_to])) };
  });

  routes.add("POST", "/interop/v1/chatstate", ({ token, body }) => {
    const provider = auth(token);
    const request = parse(chatStateSchema, body, "chat state");
    const authed = actingAs(wa, provider, request.as);
    live.sendChatState(authed, chatFor(wa, provider.id, request.chat, authed.user), request.state);
    return { body: {} };
  });

  routes.add("POST", "/interop/v1/media", ({ token, body }) => ({ body: storeUpload(wa, auth(token).id, body) }));
  routes.add("GET", "/interop/v1/media/:id", ({ token, params }) => {
    auth(token);
    return { body: fetchUpload(wa, params.id ?? "") };
  });
}
