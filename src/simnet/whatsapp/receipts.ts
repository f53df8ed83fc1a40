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
import { LIMITS, MESSAGE_ID } from "./protocol.js";

const receiptSchema = z.object({
  chat: z.string().max(64),
  kind: z.enum(["delivered", "read", "played"]),
  ids: z.array(z.string().regex(MESSAGE_ID)).min(1).max(LIMITS.maxReceiptIds),
});

export function sendReceipt(wa: Wa, store: MessageStore, authed: Authed, body: unknown): { t: number } {
  const receipt = parse(receiptSchema, body, "receipt");
  return wa.streams.transaction(() => {
    const chat = wa.chats.resolve(authed.user, receipt.chat);
    const bySender = new Map<string, string[]>();
    for (const id of new Set(receipt.ids)) {
      const message = store.find(chat.key, id);
      if (!message || message.kind !== "message") throw notFound("message_not_found", `no message ${id} in this chat`);
      // In the chat with oneself, reading marks one's own messages (on one's other devices).
      const selfChat = chat.kind === "direct" && chat.peer === authed.user;
      if (message.sender === authed.user && !selfChat) throw badRequest("own_message", `message ${id} is your own; receipts are for others' messages`);
      bySender.set(message.sender, [...(bySender.get(message.sender) ?? []), id]);
    }
    const t = wa.now();
    for (const [sender, ids] of bySender) {
      const stanza = { kind: receipt.kind, from: authed.user, from_me: false, ids, t };
      if (sender !== authed.user) fanout(wa, [sender], "receipt", () => ({ ...stanza, chat: wa.chats.nameFor(chat, sender, authed.user) }));
      if (receipt.kind !== "delivered") {
        const own = { ...stanza, from_me: true, chat: chat.kind === "group" ? chat.group : chat.peer };
        fanout(wa, [authed.user], "receipt", () => own, authed.session.id);
      }
    }
    return { t };
  });
}
