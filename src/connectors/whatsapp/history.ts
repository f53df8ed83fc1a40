/**
 * A chat's recent messages from this device's own copies (a linked device has history only from
 * when it was linked, as on WhatsApp), with the latest edit applied. Messages deleted for
 * everyone and copies that do not decrypt are left out, and older pages are fetched until
 * `limit` messages are found or the history ends.
 */
import type { MessageEvent, RemoteChatId } from "../../network/index.js";
import type { HistoryMessage, WhatsappClient } from "../../simnet/whatsapp/client/client.js";
import { mentionsIn } from "../../simnet/whatsapp/client/content.js";
import { LIMITS } from "../../simnet/whatsapp/protocol.js";
import { bodyOf } from "./incoming.js";
import { chatKindOf } from "./ids.js";

function historyEvent(client: WhatsappClient, chat: RemoteChatId, message: HistoryMessage): MessageEvent | undefined {
  if (message.revoked || !message.content) return undefined;
  // History keeps an edit's text but not its mentions; WhatsApp clients (and this connector)
  // list exactly the @numbers of an edited text, so they are read back from it.
  const content = message.editedText !== undefined ? { ...message.content, mentions: mentionsIn(message.editedText) } : message.content;
  const body = bodyOf(client, content, message.editedText);
  if (!body) return undefined;
  const quoted = message.content.quoted;
  return {
    type: "message",
    chat: { id: chat, kind: chatKindOf(chat) },
    sender: { id: message.from, isMe: message.fromMe },
    timestamp: message.t,
    id: message.id,
    body,
    ...(quoted ? { replyTo: { id: quoted.id, sender: quoted.participant } } : {}),
  };
}

export async function recentMessages(client: WhatsappClient, chat: RemoteChatId, limit: number): Promise<MessageEvent[]> {
  const found: MessageEvent[] = [];
  let before: number | undefined;
  while (found.length < limit) {
    const page = await client.history(chat, { limit: Math.min(LIMITS.maxHistoryPage, limit - found.length), ...(before !== undefined ? { before } : {}) });
    const events = page.messages.map((message) => historyEvent(client, chat, message)).filter((event): event is MessageEvent => event !== undefined);
    // Pages come newest first, each oldest first within.
    found.unshift(...events);
    if (page.before === null) break;
    before = page.before;
  }
  return found.slice(-limit);
}
