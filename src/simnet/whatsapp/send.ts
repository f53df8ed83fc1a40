/**
 * Sending an envelope: the one hot path. Inside one transaction it checks the client-chosen id
 * (a retry from the same sender gets the original ack back), the rate limit, the chat and the sender's rights, that
 * there is exactly one encrypted copy per device of the chat, and the edit/revoke/reaction
 * rules; then it stores the envelope and appends one stanza per receiving device. A third-party
 * provider sends through the same path as one of its identities (interop/provider-routes.ts),
 * and a third-party chat's provider gets its copy on its own stream (interop/feed.ts).
 */
import { z } from "zod";
import { badRequest } from "../core/protocol-error.js";
import { parse } from "../core/validate.js";
import { deviceInfo, type DeviceRow } from "./accounts.js";
import { deviceStream, type Authed, type Wa } from "./context.js";
import type { ChatRef } from "./chats.js";
import { conflict, forbidden, gone, notFound, rateLimited, tooLarge } from "./errors.js";
import { isIdentityJid } from "./interop-protocol.js";
import { feedEnvelope } from "./interop/feed.js";
import type { MessageStore, TargetRow } from "./message-store.js";
import { CIPHER_OVERHEAD, LIMITS, MESSAGE_ID, type DeviceInfo, type EnvelopeKind, type SendAck } from "./protocol.js";

/** An envelope's fields but its address, which native devices and providers give differently. */
export const envelopeFields = {
  id: z.string().regex(MESSAGE_ID, "a message id is 16-48 upper-case hex characters"),
  kind: z.enum(["message", "edit", "revoke", "reaction"]),
  target: z.string().regex(MESSAGE_ID).optional(),
  reaction_removed: z.boolean().optional(),
  copies: z.record(z.string().max(64), z.string()),
};
const envelopeSchema = z.object({ ...envelopeFields, to: z.string().max(64) });

export interface EnvelopeBody {
  id: string;
  kind: EnvelopeKind;
  target?: string | undefined;
  reaction_removed?: boolean | undefined;
  copies: Record<string, string>;
}

/** Who sends, and what they call each device of the chat in `copies`. */
export interface Sender {
  authed: Authed;
  deviceName(row: DeviceRow): string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const MAX_COPY_CHARS = Math.ceil((LIMITS.maxPayloadBytes + CIPHER_OVERHEAD) / 3) * 4;

/**
 * The devices an envelope to this chat must carry a copy for: every device of every member,
 * and in a third-party chat the provider's device (once, for all its identities).
 */
export function expectedDevices(wa: Wa, chat: ChatRef): DeviceRow[] {
  const devices = chat.users.flatMap((user) => wa.accounts.devices(user));
  const provider = chat.thirdParty && wa.interop.providers.device(chat.thirdParty.provider);
  return provider ? [...devices, provider] : devices;
}

/** The devices of a chat as `deviceName` names them. */
export function devicesAs(wa: Wa, chat: ChatRef, deviceName: (row: DeviceRow) => string): DeviceInfo[] {
  return expectedDevices(wa, chat).map((row) => ({ ...deviceInfo(row), jid: deviceName(row) }));
}

interface Copy {
  device: DeviceRow;
  ciphertext: string;
}

/**
 * Pairs each device of the chat with its copy, refusing a set of copies that does not cover
 * exactly those devices or holds a copy that is too large or not ciphertext.
 */
function checkCopies(wa: Wa, chat: ChatRef, copies: Record<string, string>, deviceName: Sender["deviceName"]): { targets: Copy[]; payloadBytes: number } {
  const expected = expectedDevices(wa, chat);
  const targets: Copy[] = [];
  for (const device of expected) {
    const ciphertext = copies[deviceName(device)];
    if (ciphertext === undefined) break;
    targets.push({ device, ciphertext });
  }
  if (targets.length !== expected.length || Object.keys(copies).length !== expected.length) {
    throw conflict("device_list_mismatch", "the copies do not match the chat's devices; encrypt for exactly the devices listed", {
      devices: devicesAs(wa, chat, deviceName),
    });
  }
  let largest = 0;
  for (const { ciphertext: copy } of targets) {
    if (copy.length > MAX_COPY_CHARS) {
      throw tooLarge("message_too_large", `an encrypted copy exceeds ${LIMITS.maxPayloadBytes} bytes`, { max_bytes: LIMITS.maxPayloadBytes });
    }
    if (copy.length % 4 !== 0 || copy.length < 40 || !BASE64.test(copy)) {
      throw badRequest("invalid_ciphertext", "each copy must be base64 of nonce, ciphertext and tag");
    }
    largest = Math.max(largest, copy.length);
  }
  return { targets, payloadBytes: (largest / 4) * 3 };
}

function requireTarget(store: MessageStore, chat: ChatRef, id: string | undefined): TargetRow {
  const target = id === undefined ? undefined : store.find(chat.key, id);
  if (!target || target.kind !== "message") throw notFound("message_not_found", `no message ${id ?? "(none named)"} in this chat`);
  if (target.revoked_at !== null) throw gone("message_revoked", `message ${id} was deleted for everyone`);
  return target;
}

/** Applies the edit, revoke and reaction rules; returns what to record once the row exists. */
function applyRules(store: MessageStore, authed: Authed, chat: ChatRef, envelope: EnvelopeBody, t: number): (row: number | bigint) => void {
  if (envelope.kind === "message") {
    if (envelope.target !== undefined) throw badRequest("unexpected_target", "a message has no target; replies quote inside the encrypted content");
    return () => {};
  }
  const target = requireTarget(store, chat, envelope.target);
  const age = t - target.t;
  if (envelope.kind === "edit") {
    if (target.sender !== authed.user) throw forbidden("not_sender", "only the sender may edit a message");
    if (age > LIMITS.editWindowMs) throw forbidden("edit_window_expired", "messages can be edited for 15 minutes after sending");
    return (row) => store.edited(target.rowid, row, t);
  }
  if (envelope.kind === "revoke") {
    const asAdmin = target.sender !== authed.user;
    if (asAdmin && !(chat.kind === "group" && chat.role !== "member")) {
      throw forbidden("not_sender", "only the sender, or a group admin, may delete a message for everyone");
    }
    if (age > LIMITS.revokeWindowMs) throw forbidden("revoke_window_expired", "messages can be deleted for everyone for 48 hours after sending");
    return () => store.revoked(target.rowid, authed.user, t);
  }
  const id = envelope.target as string;
  return () => store.react(chat.key, id, authed.user, envelope.reaction_removed ? null : envelope.id, t);
}

/** Parses an envelope (a native device's, or a provider's with `schema`), checking its fields agree. */
export function parseEnvelope<S extends z.ZodType<EnvelopeBody>>(schema: S, body: unknown): z.infer<S> {
  const envelope = parse(schema, body, "envelope");
  if (envelope.kind !== "reaction" && envelope.reaction_removed !== undefined) {
    throw badRequest("unexpected_field", "'reaction_removed' belongs on reactions only");
  }
  return envelope;
}

export function sendEnvelope(wa: Wa, store: MessageStore, authed: Authed, body: unknown): SendAck {
  const envelope = parseEnvelope(envelopeSchema, body);
  const sender = { authed, deviceName: (row: DeviceRow) => deviceInfo(row).jid };
  return storeEnvelope(wa, store, sender, envelope, () => wa.chats.resolve(authed.user, envelope.to), envelope.to);
}

/**
 * Stores an envelope to the chat `chatOf` resolves (inside the transaction) and delivers it;
 * the acknowledgement names the chat as the sender did (`chatName`).
 */
export function storeEnvelope(wa: Wa, store: MessageStore, sender: Sender, envelope: EnvelopeBody, chatOf: () => ChatRef, chatName: string): SendAck {
  const { authed } = sender;
  return wa.streams.transaction((): SendAck => {
    const chat = chatOf();
    // The client-chosen id is the idempotency key, kept on the message row itself (one index
    // fewer on the hot path than a separate key table): a retry gets the original ack back.
    const existing = store.find(chat.key, envelope.id);
    if (existing) {
      if (existing.sender !== authed.user) throw conflict("message_id_conflict", `message id ${envelope.id} is already used in this chat`);
      if (existing.kind !== envelope.kind) throw conflict("message_id_reused", `message id ${envelope.id} was already used for a ${existing.kind}`);
      return { id: envelope.id, chat: chatName, kind: existing.kind, t: existing.t };
    }
    if (chat.kind === "group" && chat.role === "member" && (envelope.kind === "message" || envelope.kind === "edit") && wa.chats.isAnnounceOnly(chat.group)) {
      throw forbidden("announcement_only", "only admins may send messages in this group");
    }
    const { targets, payloadBytes } = checkCopies(wa, chat, envelope.copies, sender.deviceName);
    const t = wa.now();
    const record = applyRules(store, authed, chat, envelope, t);
    // Counted last, so a refused envelope costs the sender nothing.
    const taken = wa.sendLimiter.take(authed.user);
    if (!taken.ok) throw rateLimited("rate_overlimit", taken.retryAfterMs, "too many messages; slow down");
    const row = store.insert({
      chat: chat.key,
      id: envelope.id,
      sender: authed.user,
      senderDevice: authed.device.device,
      kind: envelope.kind,
      target: envelope.target ?? null,
      t,
      payloadBytes,
    });
    record(row);
    if (chat.kind === "direct") wa.chats.ensureDirect(authed.user, chat.peer);
    const fromDevice = deviceInfo(authed.device).jid;
    const mark = isIdentityJid(authed.user) ? wa.interop.identities.mark(authed.user) : undefined;
    for (const { device, ciphertext } of targets) {
      store.addCopy(device.session_id, row, ciphertext);
      // The provider hears of its own identities' sends too: that is how it confirms them.
      if (chat.thirdParty?.provider === device.session_id) {
        feedEnvelope(wa, chat.thirdParty, authed, envelope, t, ciphertext);
        continue;
      }
      if (device.session_id === authed.session.id) continue;
      wa.streams.append(deviceStream(device.session_id), "message", {
        id: envelope.id,
        chat: wa.chats.nameFor(chat, device.user, authed.user),
        from: authed.user,
        from_device: fromDevice,
        from_me: device.user === authed.user,
        t,
        kind: envelope.kind,
        ...(envelope.target !== undefined ? { target: envelope.target } : {}),
        ...(envelope.reaction_removed !== undefined ? { reaction_removed: envelope.reaction_removed } : {}),
        ciphertext,
        ...(mark ? { third_party: mark } : {}),
      });
    }
    return { id: envelope.id, chat: chatName, kind: envelope.kind, t };
  });
}
