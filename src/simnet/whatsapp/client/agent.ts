/**
 * The common "person using the app" face over a WhatsappClient, for the shell command, the
 * benchmark and the fuzz test. Chats are named by JID; a handle is a phone number.
 */
import type { AgentChat, AgentEvent, AgentMessage, UserAgent } from "../../client/agent.js";
import { SimnetRequestError } from "../../client/http.js";
import { normalizePhone } from "../protocol.js";
import type { WhatsappClient } from "./client.js";
import { contentKind, describeContent } from "./content.js";

export class WhatsappAgent implements UserAgent {
  readonly network = "whatsapp" as const;

  constructor(readonly client: WhatsappClient) {}

  get userId(): string {
    return this.client.jid;
  }

  async approveLink(code: string): Promise<string> {
    const request = await this.client.pairingRequest(code);
    const linked = await this.client.approvePairing(code);
    return `linked "${request.device_name}" as ${linked.device_jid}`;
  }

  async chats(): Promise<AgentChat[]> {
    return (await this.client.api.chats()).map((chat) => ({ id: chat.jid, kind: chat.kind, title: chat.title, members: chat.members }));
  }

  async history(chat: string, limit = 50): Promise<AgentMessage[]> {
    const { messages } = await this.client.history(chat, { limit });
    return messages.map((message) => ({
      id: message.id,
      chat,
      sender: message.from,
      at: message.t,
      kind: message.revoked ? "revoked" : message.content ? contentKind(message.content) : "undecryptable",
      ...(message.content ? { text: message.editedText ?? describeContent(message.content) } : {}),
      ...(message.content?.quoted ? { replyTo: message.content.quoted.id } : {}),
    }));
  }

  async startDirectChat(handle: string): Promise<AgentChat> {
    const phone = normalizePhone(handle.replace(/@s\.whatsapp\.net$/, ""));
    const [result] = phone === undefined ? [] : await this.client.api.lookup([phone]);
    if (!result?.exists || !result.jid) throw new SimnetRequestError(404, "not_on_whatsapp", `${handle} is not on WhatsApp`, undefined);
    return { id: result.jid, kind: "direct", title: result.push_name ?? result.jid, members: [result.jid] };
  }

  async send(chat: string, text: string, options: { replyTo?: string } = {}): Promise<AgentMessage> {
    let quoted;
    if (options.replyTo !== undefined) {
      const original = await this.client.message(chat, options.replyTo);
      const preview = original.content ? describeContent(original.content).slice(0, 100) : undefined;
      quoted = { id: original.id, participant: original.from, ...(preview !== undefined ? { preview } : {}) };
    }
    const ack = await this.client.sendText(chat, text, quoted ? { quoted } : {});
    return { id: ack.id, chat, sender: this.userId, at: ack.t, kind: "text", text, ...(options.replyTo !== undefined ? { replyTo: options.replyTo } : {}) };
  }

  async edit(chat: string, messageId: string, text: string): Promise<void> {
    await this.client.edit(chat, messageId, text);
  }

  async react(chat: string, messageId: string, emoji: string): Promise<void> {
    await this.client.react(chat, messageId, emoji);
  }

  async delete(chat: string, messageId: string): Promise<void> {
    await this.client.revoke(chat, messageId);
  }

  async markRead(chat: string, messageId: string): Promise<void> {
    await this.client.markRead(chat, [messageId]);
  }

  async typing(chat: string, typing: boolean): Promise<void> {
    await this.client.setChatState(chat, typing ? "composing" : "paused");
  }

  async listen(onEvent: (event: AgentEvent) => void): Promise<() => Promise<void>> {
    const events = this.client.events;
    const offs = [
      events.on("message", (m) => onEvent({ kind: "message", chat: m.chat, messageId: m.id, sender: m.from, text: describeContent(m.content), at: m.t, raw: m })),
      events.on("edit", (e) => onEvent({ kind: "edit", chat: e.chat, messageId: e.target, sender: e.from, text: e.text, at: e.t, raw: e })),
      events.on("reaction", (r) => onEvent({ kind: "reaction", chat: r.chat, messageId: r.target, sender: r.from, text: r.emoji, at: r.t, raw: r })),
      events.on("revoke", (r) => onEvent({ kind: "delete", chat: r.chat, messageId: r.target, sender: r.from, at: r.t, raw: r })),
      events.on("receipt", (r) => onEvent({ kind: "receipt", chat: r.chat, ...(r.ids[0] ? { messageId: r.ids[0] } : {}), sender: r.from, text: r.kind, at: r.t, raw: r })),
      events.on("chatstate", (c) => onEvent({ kind: "typing", chat: c.chat, sender: c.from, text: c.state, raw: c })),
      events.on("presence", (p) => onEvent({ kind: "presence", sender: p.from, text: p.state, raw: p })),
      events.on("notification", (n) => onEvent({ kind: n.kind === "group" ? "chat" : "other", ...(typeof n.group === "string" ? { chat: n.group } : {}), at: n.t, raw: n })),
      events.on("connection", (status) => onEvent({ kind: "other", text: status.kind, raw: status })),
    ];
    await this.client.connect();
    return async () => {
      offs.forEach((off) => off());
      await this.client.disconnect();
    };
  }

  async logout(): Promise<void> {
    await this.client.logout();
  }

  save(): unknown {
    return this.client.save();
  }

  async close(): Promise<void> {
    await this.client.disconnect();
  }
}
