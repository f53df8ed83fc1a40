/**
 * Receipts: a recipient device says it got (delivered), read or played messages. The server
 * routes them to every device of each message's sender, and read/played also to the reader's
 * own other devices, so those mark the chat read too. They are stored stanzas: a sender that is
 * offline gets its receipts when it comes back.
 */
import { z } from "zod";
import { badRequest } from "../core/protocol-error.js";
import { parse } from "../core/validate.js";
import { fanout, type Authed, type Wa } from "./context.js";
import { notFound } from "./errors.js";
import type { MessageStore } from "./message-store.js";
import { LIMITS, MESSAGE_ID, type ReceiptKind } from "./protocol.js";
import type { ChatRef } from "./chats.js";
import { isIdentityJid } from "./interop-protocol.js";
import { feedRead } from "./interop/feed.js";

const receiptSchema = z.object({
  chat: z.string().max(64),
  kind: z.enum(["delivered", "read", "played"]),
  ids: z.array(z.string().regex(MESSAGE_ID)).min(1).max(LIMITS.maxReceiptIds),
});

export function sendReceipt(wa: Wa, store: MessageStore, authed: Authed, body: unknown): { t: number } {
  const receipt = parse(receiptSchema, body, "receipt");
  return wa.streams.transaction(() => applyReceipt(wa, store, authed, wa.chats.resolve(authed.user, receipt.chat), receipt.kind, receipt.ids));
}

/**
 * Routes a receipt to the senders of the messages (inside the caller's transaction). In a
 * third-party chat the provider is told of reads of its identities' messages, and of what its
 * identities read.
 */
export function applyReceipt(wa: Wa, store: MessageStore, authed: Authed, chat: ChatRef, kind: ReceiptKind, ids: string[]): { t: number } {
  const bySender = new Map<string, string[]>();
  const found: { id: string; sender: string; rowid: number }[] = [];
  for (const id of new Set(ids)) {
    const message = store.find(chat.key, id);
    if (!message || message.kind !== "message") throw notFound("message_not_found", `no message ${id} in this chat`);
    // In the chat with oneself, reading marks one's own messages (on one's other devices).
    const selfChat = chat.kind === "direct" && chat.peer === authed.user;
    if (message.sender === authed.user && !selfChat) throw badRequest("own_message", `message ${id} is your own; receipts are for others' messages`);
    bySender.set(message.sender, [...(bySender.get(message.sender) ?? []), id]);
    found.push({ id, sender: message.sender, rowid: message.rowid });
  }
  const t = wa.now();
  const mark = isIdentityJid(authed.user) ? { third_party: wa.interop.identities.mark(authed.user) } : {};
  for (const [sender, senderIds] of bySender) {
    const stanza = { kind, from: authed.user, from_me: false, ids: senderIds, t, ...mark };
    if (sender !== authed.user) fanout(wa, [sender], "receipt", () => ({ ...stanza, chat: wa.chats.nameFor(chat, sender, authed.user) }));
    if (kind !== "delivered") {
      const own = { ...stanza, from_me: true, chat: chat.kind === "group" ? chat.group : chat.peer };
      fanout(wa, [authed.user], "receipt", () => own, authed.session.id);
    }
  }
  if (chat.thirdParty && kind === "read") {
    const byIdentity = isIdentityJid(authed.user);
    const concerned = found.filter((m) => byIdentity || isIdentityJid(m.sender)).sort((a, b) => a.rowid - b.rowid);
    feedRead(wa, chat.thirdParty, authed.user, concerned.map((m) => m.id), t);
  }
  return { t };
}
