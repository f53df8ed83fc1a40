/**
 * Chat routes of a logged-in device: the chat list, which devices to encrypt for, sending
 * envelopes, this device's encrypted history, receipts, chat states, presence and media.
 * Sends, receipts, chat states and presence can also go over the realtime socket (realtime.ts);
 * both doors lead to the same functions.
 */
import { z } from "zod";
import type { Router } from "../core/http.js";
import { decodeBase64 } from "../core/media.js";
import { badRequest } from "../core/protocol-error.js";
import { parse } from "../core/validate.js";
import { deviceInfo } from "./accounts.js";
import { authenticate, type Wa } from "./context.js";
import type { Live } from "./live.js";
import { presenceSchema } from "./live.js";
import type { HistoryRow, MessageStore } from "./message-store.js";
import { CIPHER_OVERHEAD, deviceJid, LIMITS, MEDIA_KINDS, phoneOf } from "./protocol.js";
import { sendReceipt } from "./receipts.js";
import { expectedDevices, sendEnvelope } from "./send.js";
import { createHash } from "node:crypto";
import { notFound } from "./errors.js";

const uploadSchema = z.object({ kind: z.enum(MEDIA_KINDS as [string, ...string[]]), data: z.string() });

function historyEntry(row: HistoryRow, chat: string, viewer: string) {
  return {
    id: row.id,
    chat,
    from: row.sender,
    from_device: deviceJid(phoneOf(row.sender), row.sender_device),
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
        messages: rows.reverse().map((row) => historyEntry(row, params.jid ?? "", authed.user)),
        before: rows.length === limit && last ? last.rowid : null,
      },
    };
  });

  routes.add("GET", "/v1/chats/:jid/messages/:id", ({ token, params }) => {
    const authed = authenticate(wa, token);
    const chat = wa.chats.resolve(authed.user, params.jid ?? "");
    const row = store.one(authed.session.id, chat.key, params.id ?? "");
    if (!row) throw notFound("message_not_found", `this device holds no message ${params.id} in the chat`);
    return { body: historyEntry(row, params.jid ?? "", authed.user) };
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

  routes.add("POST", "/v1/media", ({ token, body }) => {
    const authed = authenticate(wa, token);
    const upload = parse(uploadSchema, body, "upload");
    const limit = wa.options.mediaLimits[upload.kind as keyof typeof wa.options.mediaLimits];
    const data = decodeBase64(upload.data, limit + CIPHER_OVERHEAD);
    if (data.length <= CIPHER_OVERHEAD) throw badRequest("invalid_media", "an upload is an encrypted file: nonce, ciphertext and tag");
    const stored = wa.media.put(authed.user, `application/x-whatsapp-${upload.kind}-enc`, data, "wa");
    const sha256 = createHash("sha256").update(data).digest("base64");
    return { body: { id: stored.id, kind: upload.kind, size: stored.size, enc_sha256: sha256 } };
  });

  routes.add("GET", "/v1/media/:id", ({ token, params }) => {
    authenticate(wa, token);
    const media = wa.media.require(params.id ?? "");
    return { body: { id: media.id, size: media.size, data: media.data.toString("base64") } };
  });
}
