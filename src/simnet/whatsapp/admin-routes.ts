/**
 * The WhatsApp admin API (behind the admin token): accounts ready to register, chats made
 * without anyone's phone, a chat's stored envelopes for assertions (metadata and ciphertext
 * sizes: the server has no plaintext to show), pending SMS and pairing codes, a user's devices.
 */
import { z } from "zod";
import type { Router } from "../core/http.js";
import { decodeBase64 } from "../core/media.js";
import { badRequest } from "../core/protocol-error.js";
import { parse } from "../core/validate.js";
import { deviceInfo, linkedDeviceInfo } from "./accounts.js";
import type { Wa } from "./context.js";
import { createGroup } from "./group-routes.js";
import type { MessageStore } from "./message-store.js";
import type { Pairing } from "./pairing.js";
import { directChatKey, formatPairingCode, isGroupJid, isUserJid, LIMITS, normalizePhone, phoneOf, userJid } from "./protocol.js";
import { phoneSchema, pushNameSchema } from "./registration.js";
import { providerDeviceJid } from "./interop-protocol.js";

const accountSchema = z.object({
  phone: phoneSchema,
  push_name: pushNameSchema,
  about: z.string().max(LIMITS.maxAboutChars).optional(),
  avatar: z.string().optional(),
});
const jid = z.string().refine(isUserJid, "not a user JID");
const chatSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("direct"), members: z.tuple([jid, jid]) }),
  z.object({
    kind: z.literal("group"),
    subject: z.string().trim().min(1).max(LIMITS.maxSubjectChars),
    members: z.array(jid).min(1).max(LIMITS.maxGroupSize),
    admins: z.array(jid).default([]),
  }),
]);

/** A user JID from a path segment that may also be a phone number. */
function userParam(value: string | undefined): string {
  if (value && isUserJid(value)) return value;
  const phone = normalizePhone(value ?? "");
  if (phone === undefined) throw badRequest("invalid_jid", `'${value}' is neither a user JID nor a phone number`);
  return userJid(phone);
}

export function adminRoutes(wa: Wa, store: MessageStore, pairing: Pairing, routes: Router): void {
  const devicesOf = (user: string) => wa.accounts.devices(user).map(linkedDeviceInfo);
  const selectSms = wa.db.prepare<[string], { code: string; expires_at: number }>("SELECT code, expires_at FROM sms_codes WHERE phone = ?");

  routes.add("POST", "/admin/accounts", ({ body }) => {
    const request = parse(accountSchema, body);
    const avatar = request.avatar === undefined ? null : wa.media.put(userJid(request.phone), "image/jpeg", decodeBase64(request.avatar, wa.options.mediaLimits.image, "avatar"), "av").id;
    return { status: 201, body: wa.accounts.create({ phone: request.phone, pushName: request.push_name, about: request.about, avatar }) };
  });
  routes.add("GET", "/admin/accounts", () => ({ body: { accounts: wa.accounts.list() } }));
  routes.add("GET", "/admin/accounts/:jid", ({ params }) => {
    const user = userParam(params.jid);
    return { body: { ...wa.accounts.require(user), devices: devicesOf(user) } };
  });
  routes.add("GET", "/admin/accounts/:jid/devices", ({ params }) => {
    const user = userParam(params.jid);
    wa.accounts.require(user);
    return { body: { devices: devicesOf(user) } };
  });

  routes.add("POST", "/admin/chats", ({ body }) => {
    const request = parse(chatSchema, body);
    if (request.kind === "direct") {
      const [a, b] = request.members;
      wa.accounts.require(a);
      wa.accounts.require(b);
      wa.chats.ensureDirect(a, b);
      return { status: 201, body: { kind: "direct", chat: directChatKey(a, b), members: [a, b] } };
    }
    const [creator, ...rest] = request.members as [string, ...string[]];
    wa.accounts.require(creator);
    const group = createGroup(wa, creator, request.subject, rest, { admins: request.admins });
    return { status: 201, body: { kind: "group", chat: group.jid, group } };
  });

  routes.add("GET", "/admin/chats/:chat/messages", ({ params }) => {
    const chat = params.chat ?? "";
    const pair = chat.split(",");
    const valid = isGroupJid(chat) || (pair.length === 2 && pair.every(isUserJid));
    if (!valid) throw badRequest("invalid_chat", "name a group JID, or a direct chat as two user JIDs joined by a comma");
    const key = isGroupJid(chat) ? chat : directChatKey(pair[0] as string, pair[1] as string);
    return { body: { chat: key, ...storedMessages(wa, store, key) } };
  });

  routes.add("GET", "/admin/codes", ({ query }) => {
    const phone = phoneOf(userParam(query.get("phone") ?? ""));
    const sms = selectSms.get(phone);
    const now = wa.now();
    return {
      body: {
        phone,
        sms: sms && sms.expires_at >= now ? sms : null,
        pairing: pairing.pendingFor.all(phone, now).map((row) => ({
          code: row.code,
          display: formatPairingCode(row.code),
          device_name: row.device_name,
          expires_at: row.expires_at,
        })),
      },
    };
  });
}

/** A chat's stored envelopes (by its server key): metadata and the size of each encrypted copy. */
export function storedMessages(wa: Wa, store: MessageStore, key: string) {
  const providers = new Set(wa.interop.providers.list().map((p) => p.id));
  /** A copy's device: a linked device, or a third-party provider (whose id is its session's). */
  const deviceOf = (sessionId: string): string | null => {
    const row = wa.accounts.deviceOfSession(sessionId);
    if (row) return deviceInfo(row).jid;
    return providers.has(sessionId) ? providerDeviceJid(sessionId) : null;
  };
  return {
    encrypted: true,
    note: "end-to-end encrypted: the server stores one ciphertext per device and has no plaintext to show",
    messages: store.forAdmin(key).map(({ rowid: _rowid, copies, ...row }) => ({
      ...row,
      copies: copies.map((c) => ({ device: deviceOf(c.session_id), ciphertext_bytes: Math.floor((c.bytes / 4) * 3) })),
    })),
  };
}
