/**
 * The common "person using the app" face over a WhatsappClient, for the shell command, the
 * benchmark, the fuzz test and the bridge's conformance suite. Chats are named by JID; a handle
 * is a phone number. People from other networks (third-party contacts) are JIDs `t…@interop`,
 * and what they send is marked with their name and badge (`AgentEvent.thirdParty`).
 */
import type { AgentChat, AgentEvent, AgentMedia, AgentMessage, AgentSpan, UserAgent } from "../../client/agent.js";
import type { InteropUserSide } from "../../client/interop.js";
import type { ThirdPartyMark } from "../interop-protocol.js";
import { SimnetRequestError } from "../../client/http.js";
import { checkedSpans } from "../../client/spans.js";
import { normalizePhone, type GroupInfo, type NotificationStanza } from "../protocol.js";
import { shownText, WHATSAPP_FORMATS, writeMarkup } from "./agent-text.js";
import type { WhatsappClient } from "./client.js";
import { contentKind, describeContent, type MessageContent } from "./content.js";
import type { IncomingMessage } from "./events.js";
import { WhatsappInteropUser } from "./interop-user.js";

/** The facade's mark of a third-party sender, when there is one. */
const marked = (mark: ThirdPartyMark | undefined) => (mark ? { thirdParty: mark } : {});

export class WhatsappAgent implements UserAgent {
  readonly network = "whatsapp" as const;
  readonly formats = WHATSAPP_FORMATS;
  readonly interop: InteropUserSide;

  constructor(readonly client: WhatsappClient) {
    this.interop = new WhatsappInteropUser(client.api, async (handle) => (await this.lookup(handle)).jid);
  }

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
    const { jid, pushName } = await this.lookup(handle);
    return { id: jid, kind: "direct", title: pushName ?? jid, members: [jid] };
  }

  /** A person's JID from their phone number (or JID). */
  private async lookup(handle: string): Promise<{ jid: string; pushName?: string }> {
    const phone = normalizePhone(handle.replace(/@s\.whatsapp\.net$/, ""));
    const [result] = phone === undefined ? [] : await this.client.api.lookup([phone]);
    if (!result?.exists || !result.jid) throw new SimnetRequestError(404, "not_on_whatsapp", `${handle} is not on WhatsApp`, undefined);
    return { jid: result.jid, ...(result.push_name !== undefined ? { pushName: result.push_name } : {}) };
  }

  async send(chat: string, text: string, options: { replyTo?: string; spans?: AgentSpan[] } = {}): Promise<AgentMessage> {
    let quoted;
    if (options.replyTo !== undefined) {
      const original = await this.client.message(chat, options.replyTo);
      const preview = original.content ? describeContent(original.content).slice(0, 100) : undefined;
      quoted = { id: original.id, participant: original.from, ...(preview !== undefined ? { preview } : {}) };
    }
    const markup = writeMarkup(text, checkedSpans("WhatsApp", this.formats, text, options.spans));
    const mentions = markup.mentions.length > 0 ? { mentions: markup.mentions } : {};
    const ack = await this.client.sendText(chat, markup.text, { ...mentions, ...(quoted ? { quoted } : {}) });
    return { id: ack.id, chat, sender: this.userId, at: ack.t, kind: "text", text: markup.text, ...(options.replyTo !== undefined ? { replyTo: options.replyTo } : {}) };
  }

  async sendImage(chat: string, data: Buffer, mime: string): Promise<AgentMessage> {
    const ack = await this.client.sendMedia(chat, { kind: "image", data, mime });
    return { id: ack.id, chat, sender: this.userId, at: ack.t, kind: "image" };
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

  async createGroup(title: string, handles: string[]): Promise<AgentChat> {
    const jids = await Promise.all(handles.map(async (handle) => (await this.lookup(handle)).jid));
    return this.groupChat(await this.client.api.createGroup(title, jids));
  }

  private groupChat(group: GroupInfo): AgentChat {
    return { id: group.jid, kind: "group", title: group.subject, members: group.participants.map((p) => p.jid).filter((jid) => jid !== this.userId) };
  }

  addMember(chat: string, handle: string): Promise<void> {
    return this.changeParticipant(chat, "add", handle);
  }

  removeMember(chat: string, handle: string): Promise<void> {
    return this.changeParticipant(chat, "remove", handle);
  }

  setAdmin(chat: string, handle: string, admin: boolean): Promise<void> {
    return this.changeParticipant(chat, admin ? "promote" : "demote", handle);
  }

  /** WhatsApp answers a participant change per person: a refusal for this one is an error here. */
  private async changeParticipant(chat: string, action: "add" | "remove" | "promote" | "demote", handle: string): Promise<void> {
    const { jid } = await this.lookup(handle);
    const { results } = await this.client.api.participants(chat, action, [jid]);
    const refused = results.find((r) => r.status !== 200);
    if (refused) throw new SimnetRequestError(refused.status, refused.text ?? "refused", `WhatsApp refused to ${action} ${handle}: ${refused.text ?? refused.status}`, refused);
  }

  /** The phone unlinks every companion device (a bridge, WhatsApp Web). */
  async endOtherSessions(): Promise<void> {
    const { device, devices } = await this.client.api.me();
    for (const other of devices.filter((d) => d.jid !== device.jid)) await this.client.api.unlinkDevice(other.jid);
  }

  async listen(onEvent: (event: AgentEvent) => void): Promise<() => Promise<void>> {
    const events = this.client.events;
    const offs = [
      events.on("message", (m) => onEvent(this.messageEvent(m))),
      events.on("edit", (e) => onEvent({ kind: "edit", chat: e.chat, messageId: e.target, sender: e.from, text: e.text, formatted: shownText(e.text, e.mentions), at: e.t, ...marked(e.thirdParty), raw: e })),
      events.on("reaction", (r) => onEvent({ kind: "reaction", chat: r.chat, messageId: r.target, sender: r.from, text: r.emoji, at: r.t, ...marked(r.thirdParty), raw: r })),
      events.on("revoke", (r) => onEvent({ kind: "delete", chat: r.chat, messageId: r.target, sender: r.from, at: r.t, ...marked(r.thirdParty), raw: r })),
      events.on("receipt", (r) => onEvent({ kind: "receipt", chat: r.chat, ...(r.ids[0] ? { messageId: r.ids[0] } : {}), sender: r.from, text: r.kind, at: r.t, ...marked(r.third_party), raw: r })),
      events.on("chatstate", (c) => onEvent({ kind: "typing", chat: c.chat, sender: c.from, text: c.state, active: c.state !== "paused", ...marked(c.third_party), raw: c })),
      events.on("presence", (p) => onEvent({ kind: "presence", sender: p.from, text: p.state, raw: p })),
      events.on("notification", (n) => onEvent(notificationEvent(n))),
      events.on("connection", (status) => onEvent({ kind: "other", text: status.kind, raw: status })),
    ];
    await this.client.connect();
    return async () => {
      offs.forEach((off) => off());
      await this.client.disconnect();
    };
  }

  private messageEvent(m: IncomingMessage): AgentEvent {
    const text = describeContent(m.content);
    const words = m.content.type === "text" ? m.content.text : "caption" in m.content ? m.content.caption : undefined;
    const media = this.mediaOf(m.content);
    return {
      kind: "message",
      chat: m.chat,
      messageId: m.id,
      sender: m.from,
      text,
      ...(words !== undefined ? { formatted: shownText(words, m.content.mentions) } : {}),
      ...(media ? { media } : {}),
      at: m.t,
      ...marked(m.thirdParty),
      raw: m,
    };
  }

  private mediaOf(content: MessageContent): AgentMedia | undefined {
    if (!("media" in content)) return undefined;
    const ref = content.media;
    return { kind: contentKind(content), mime: ref.mime, size: ref.size, download: () => this.client.download(ref) };
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

/** Group notifications: people added or removed become membership events, the rest chat changes. */
function notificationEvent(n: NotificationStanza): AgentEvent {
  const chat = typeof n.group === "string" ? { chat: n.group } : {};
  const by = typeof n.by === "string" ? { sender: n.by } : {};
  const change = n.action === "add" ? "added" : n.action === "remove" || n.action === "leave" ? "removed" : undefined;
  if (n.kind === "group" && change && Array.isArray(n.participants)) {
    const members = n.participants.filter((p): p is string => typeof p === "string");
    return { kind: "membership", ...chat, ...by, text: change, members, at: n.t, raw: n };
  }
  return { kind: n.kind === "group" ? "chat" : "other", ...chat, ...by, at: n.t, raw: n };
}
