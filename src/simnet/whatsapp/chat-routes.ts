/**
 * Chat routes of a logged-in device: the chat list, which devices to encrypt for, sending
 * envelopes, this device's encrypted history, receipts, chat states, presence and media.
 * Sends, receipts, chat states and presence can also go over the realtime socket (realtime.ts);
 * both doors lead to the same functions.
 */
import type { Router } from "../core/http.js";
import { parse } from "../core/validate.js";
import { deviceInfo } from "./accounts.js";
import { authenticate, type Wa } from "./context.js";
import type { Live } from "./live.js";
import { presenceSchema } from "./live.js";
import type { HistoryRow, MessageStore } from "./message-store.js";
import { deviceJid, LIMITS, phoneOf } from "./protocol.js";
import { sendReceipt } from "./receipts.js";
import { expectedDevices, sendEnvelope } from "./send.js";
import { notFound } from "./errors.js";
import { isIdentityJid, providerDeviceJid, type ThirdPartyMark } from "./interop-protocol.js";
import { fetchUpload, storeUpload } from "./uploads.js";

/** The device a message came from; a third-party identity sends from its provider's device. */
function senderDevice(wa: Wa, sender: string, device: number): { from_device: string; third_party?: ThirdPartyMark } {
  const mark = isIdentityJid(sender) ? wa.interop.identities.mark(sender) : undefined;
  return mark ? { from_device: providerDeviceJid(mark.provider), third_party: mark } : { from_device: deviceJid(phoneOf(sender), device) };
}

function historyEntry(wa: Wa, row: HistoryRow, chat: string, viewer: string) {
  return {
    id: row.id,
    chat,
    from: row.sender,
    ...senderDevice(wa, row.sender, row.sender_device),
    from_me: row.sender === viewer,
    t: row.t,
    ciphertext: row.revoked_at === null ? row.ciphertext : null,
    edited_at: row.edited_at,
    edit: row.edit_id !== null && row.revoked_at === null ? { id: row.edit_id, ciphertext: row.edit_ciphertext } : null,
    revoked: row.revoked_at !== null ? { at: row.revoked_at, by: row.revoked_by } : null,
  };
}

export function chatRoutes(wa: Wa, store: MessageStore, live: Live, routes: Router): void {
  routes.add("GET", "/v1/chats", ({ token }) => ({ body: { chats: wa.chats.list(authenticate(wa, token).user) } }));

  routes.add("GET", "/v1/chats/:jid/devices", ({ token, params }) => {
    const authed = authenticate(wa, token);
    return { body: { devices: expectedDevices(wa, wa.chats.resolve(authed.user, params.jid ?? "")).map(deviceInfo) } };
  });

  routes.add("GET", "/v1/chats/:jid/messages", ({ token, params, query }) => {
    const authed = authenticate(wa, token);
    const chat = wa.chats.resolve(authed.user, params.jid ?? "");
    const limit = Math.min(Math.max(Number(query.get("limit") ?? 50) || 50, 1), LIMITS.maxHistoryPage);
    const before = Number(query.get("before") ?? Number.MAX_SAFE_INTEGER) || Number.MAX_SAFE_INTEGER;
    const rows = store.history(authed.session.id, chat.key, before, limit);
    const last = rows[rows.length - 1];
    return {
      body: {
        messages: rows.reverse().map((row) => historyEntry(wa, row, params.jid ?? "", authed.user)),
        before: rows.length === limit && last ? last.rowid : null,
      },
    };
  });

  routes.add("GET", "/v1/chats/:jid/messages/:id", ({ token, params }) => {
    const authed = authenticate(wa, token);
    const chat = wa.chats.resolve(authed.user, params.jid ?? "");
    const row = store.one(authed.session.id, chat.key, params.id ?? "");
    if (!row) throw notFound("message_not_found", `this device holds no message ${params.id} in the chat`);
    return { body: historyEntry(wa, row, params.jid ?? "", authed.user) };
  });

  routes.add("POST", "/v1/messages", ({ token, body }) => ({ body: sendEnvelope(wa, store, authenticate(wa, token), body) }));
  routes.add("POST", "/v1/receipts", ({ token, body }) => ({ body: sendReceipt(wa, store, authenticate(wa, token), body) }));
  routes.add("POST", "/v1/chatstate", ({ token, body }) => {
    live.chatState(authenticate(wa, token), body);
    return { body: {} };
  });
  routes.add("POST", "/v1/presence", ({ token, body }) => {
    const authed = authenticate(wa, token);
    live.setPresence(authed.user, parse(presenceSchema, body, "presence").state);
    return { body: live.presenceOf(authed.user) };
  });

  routes.add("POST", "/v1/media", ({ token, body }) => ({ body: storeUpload(wa, authenticate(wa, token).user, body) }));

  routes.add("GET", "/v1/media/:id", ({ token, params }) => {
    authenticate(wa, token);
    return { body: fetchUpload(wa, params.id ?? "") };
  });
}
