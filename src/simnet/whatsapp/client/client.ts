/**
 * A WhatsApp device, as a bridge or a script uses it: it encrypts every message once per device
 * of the chat (its own other devices included), sends it over the realtime socket when connected
 * (over HTTP otherwise: the client-chosen id makes either safe to retry), decrypts what arrives,
 * and emits typed events. Everything the protocol offers is here or on `api`.
 */
import { SimnetRequestError } from "../../client/http.js";
import type { ChatState, PresenceStanza, ReceiptKind, SendAck } from "../protocol.js";
import { WhatsappApi } from "./api.js";
import { checkText, mentionsIn, type MediaRef, type MessageContent, type Quote } from "./content.js";
import { decryptFile, importDeviceKeys, PairwiseCipher } from "./crypto.js";
import { DeviceDirectory } from "./directory.js";
import { Emitter } from "../../client/emitter.js";
import type { WhatsappEvents } from "./events.js";
import { decryptEntry, handleStanza, type HistoryMessage, type IncomingContext } from "./incoming.js";
import type { WhatsappSession } from "./login.js";
import { Outbox } from "./outbox.js";
import { WhatsappRealtime } from "./realtime.js";
import { RequestTracker } from "./requests.js";

export interface ClientOptions {
  /** Send `delivered` receipts for messages once decrypted (default true, as WhatsApp does). */
  autoDeliveryReceipts?: boolean;
  backoff?: { initialMs: number; maxMs: number };
  /** Send over a passive socket while not connected (default true); false sends over HTTP. */
  passiveSends?: boolean;
}

export interface SendOptions {
  /** Reuse an id to retry a send safely; a fresh `3EB0…` id otherwise. */
  id?: string;
  quoted?: Quote;
}

const DELIVERED_BATCH_MS = 20;

export { newMessageId } from "./outbox.js";
export type { HistoryMessage } from "./incoming.js";

export class WhatsappClient {
  readonly api: WhatsappApi;
  readonly events = new Emitter<WhatsappEvents>();
  private readonly cipher: PairwiseCipher;
  private readonly directory: DeviceDirectory;
  private readonly incoming: IncomingContext;
  private readonly requests = new RequestTracker();
  private realtime: WhatsappRealtime | undefined;
  private readonly outbox: Outbox;
  private position: number | undefined;
  private pendingDelivered = new Map<string, string[]>();

  constructor(
    readonly session: WhatsappSession & { position?: number },
    private readonly options: ClientOptions = {},
  ) {
    this.api = new WhatsappApi(session.baseUrl, session.token);
    this.cipher = new PairwiseCipher(importDeviceKeys(session.privateKey));
    this.directory = new DeviceDirectory(this.api);
    this.position = session.position;
    this.outbox = new Outbox({
      session,
      api: this.api,
      cipher: this.cipher,
      directory: this.directory,
      requests: this.requests,
      passiveSends: options.passiveSends !== false,
      realtime: () => this.realtime,
    });
    this.incoming = {
      deviceJid: session.deviceJid,
      cipher: this.cipher,
      directory: this.directory,
      events: this.events,
      delivered: (chat, id) => this.queueDelivered(chat, id),
    };
  }

  get jid(): string {
    return this.session.jid;
  }

  get deviceJid(): string {
    return this.session.deviceJid;
  }

  get connected(): boolean {
    return this.realtime?.connected === true;
  }

  /** Opens the realtime connection; resumes after `after` or after the last stanza processed. */
  async connect(options: { after?: number } = {}): Promise<void> {
    if (this.realtime) return;
    const after = options.after ?? this.position;
    const realtime: WhatsappRealtime = new WhatsappRealtime({
      baseUrl: this.session.baseUrl,
      token: this.session.token,
      ...(after !== undefined ? { after } : {}),
      ...(this.options.backoff ? { backoff: this.options.backoff } : {}),
      onStanza: (stanza) => handleStanza(this.incoming, stanza),
      onLive: (stanza) => {
        if (this.requests.settle(stanza)) return;
        if (stanza.type === "chatstate") this.events.emit("chatstate", stanza as never);
        else if (stanza.type === "presence") this.events.emit("presence", stanza as never);
      },
      onStatus: (status) => {
        if (status.kind === "disconnected" || status.kind === "ended") this.requests.failAll();
        if (status.kind === "ended" && this.realtime === realtime) {
          // Over for good: a later connect() starts afresh from where this one got to.
          this.position = realtime.position >= 0 ? realtime.position : this.position;
          this.realtime = undefined;
        }
        this.events.emit("connection", status);
      },
    });
    this.realtime = realtime;
    try {
      await realtime.start();
    } catch (error) {
      await this.disconnect();
      throw error;
    }
  }

  async disconnect(): Promise<void> {
    const realtime = this.realtime;
    this.realtime = undefined;
    this.requests.failAll();
    await this.outbox.close();
    if (realtime) {
      await realtime.close();
      this.position = realtime.position;
    }
    this.flushDelivered();
  }

  /** The session plus the stream position reached, for `restore` later. */
  save(): WhatsappSession & { position?: number } {
    const position = this.realtime?.position ?? this.position;
    return { ...this.session, ...(position !== undefined && position >= 0 ? { position } : {}) };
  }

  // Sending

  async sendText(chat: string, text: string, options: SendOptions & { mentions?: string[] } = {}): Promise<SendAck> {
    const mentions = options.mentions ?? mentionsIn(text);
    return this.sendMessage(chat, { type: "text", text, ...(mentions.length ? { mentions } : {}) }, options);
  }

  async sendMedia(
    chat: string,
    media: { kind: "image" | "video" | "document" | "sticker"; data: Buffer; mime: string; caption?: string; fileName?: string; width?: number; height?: number; seconds?: number },
    options: SendOptions = {},
  ): Promise<SendAck> {
    checkText(media.caption, "caption");
    const { kind, data, mime, caption, fileName, ...extra } = media;
    const ref = await this.outbox.upload(kind, data, mime, fileName);
    return this.sendMessage(chat, { type: kind, media: ref, ...(caption !== undefined ? { caption } : {}), ...extra }, options);
  }

  async sendVoiceNote(chat: string, voice: { data: Buffer; mime?: string; seconds: number; waveform?: number[] }, options: SendOptions = {}): Promise<SendAck> {
    const ref = await this.outbox.upload("ptt", voice.data, voice.mime ?? "audio/ogg; codecs=opus");
    return this.sendMessage(chat, { type: "audio", ptt: true, media: ref, seconds: voice.seconds, ...(voice.waveform ? { waveform: voice.waveform } : {}) }, options);
  }

  sendLocation(chat: string, location: { latitude: number; longitude: number; name?: string; address?: string }, options: SendOptions = {}): Promise<SendAck> {
    return this.sendMessage(chat, { type: "location", ...location }, options);
  }

  sendContact(chat: string, contact: { displayName: string; vcard: string }, options: SendOptions = {}): Promise<SendAck> {
    return this.sendMessage(chat, { type: "contact", display_name: contact.displayName, vcard: contact.vcard }, options);
  }

  /** Sends any content; the text-like parts are checked against WhatsApp's limits first. */
  sendMessage(chat: string, content: MessageContent, options: SendOptions = {}): Promise<SendAck> {
    checkText(content.type === "text" ? content.text : "caption" in content ? content.caption : undefined);
    const full = options.quoted ? { ...content, quoted: options.quoted } : content;
    return this.outbox.send(chat, "message", full, { id: options.id });
  }

  edit(chat: string, target: string, text: string, options: { id?: string } = {}): Promise<SendAck> {
    checkText(text);
    const mentions = mentionsIn(text);
    return this.outbox.send(chat, "edit", { type: "edit", text, ...(mentions.length ? { mentions } : {}) }, { id: options.id, target });
  }

  /** Deletes for everyone (the sender within 48 hours; group admins for others' messages). */
  revoke(chat: string, target: string, options: { id?: string } = {}): Promise<SendAck> {
    return this.outbox.send(chat, "revoke", { type: "revoke" }, { id: options.id, target });
  }

  /** One reaction per person per message: a new one replaces it, "" removes it. */
  react(chat: string, target: string, emoji: string, options: { id?: string } = {}): Promise<SendAck> {
    return this.outbox.send(chat, "reaction", { type: "reaction", emoji }, { id: options.id, target, reactionRemoved: emoji === "" });
  }

  /** Downloads and decrypts a file a message points to, checking both checksums. */
  async download(media: MediaRef): Promise<Buffer> {
    return decryptFile(await this.api.download(media.id), media);
  }

  // Receipts, chat states, presence

  markRead(chat: string, ids: string[]): Promise<void> {
    return this.receipt(chat, "read", ids);
  }

  markPlayed(chat: string, ids: string[]): Promise<void> {
    return this.receipt(chat, "played", ids);
  }

  async receipt(chat: string, kind: ReceiptKind, ids: string[]): Promise<void> {
    if (!this.realtime?.send({ type: "receipt", chat, kind, ids })) await this.api.receipt(chat, kind, ids);
  }

  async setChatState(chat: string, state: ChatState): Promise<void> {
    if (!this.realtime?.send({ type: "chatstate", chat, state })) await this.api.chatState(chat, state);
  }

  async setPresence(state: "available" | "unavailable"): Promise<void> {
    if (!this.realtime?.send({ type: "presence", state })) await this.api.presence(state);
  }

  /** Asks for someone's presence updates on this connection; resolves with the current one. */
  async subscribePresence(jid: string): Promise<PresenceStanza> {
    const realtime = this.realtime;
    if (!realtime?.connected) throw new SimnetRequestError(409, "not_connected", "presence subscriptions live on the realtime connection; connect first", undefined);
    const reply = this.requests.trackPresence(jid);
    realtime.send({ type: "presence_subscribe", jid });
    return (await reply) as unknown as PresenceStanza;
  }

  private queueDelivered(chat: string, id: string): void {
    if (this.options.autoDeliveryReceipts === false) return;
    // Batched like WhatsApp's receipt lists: one stanza per chat for what arrived together.
    if (this.pendingDelivered.size === 0) setTimeout(() => this.flushDelivered(), DELIVERED_BATCH_MS);
    this.pendingDelivered.set(chat, [...(this.pendingDelivered.get(chat) ?? []), id]);
  }

  private flushDelivered(): void {
    const pending = this.pendingDelivered;
    this.pendingDelivered = new Map();
    for (const [chat, ids] of pending) {
      for (let i = 0; i < ids.length; i += 256) {
        // A lost delivered receipt only leaves one tick grey on the sender's phone.
        this.receipt(chat, "delivered", ids.slice(i, i + 256)).catch(() => {});
      }
    }
  }

  // History

  async history(chat: string, options: { limit?: number; before?: number } = {}): Promise<{ messages: HistoryMessage[]; before: number | null }> {
    const page = await this.api.history(chat, options);
    return { messages: await Promise.all(page.messages.map((entry) => decryptEntry(this.incoming, entry))), before: page.before };
  }

  async message(chat: string, id: string): Promise<HistoryMessage> {
    return decryptEntry(this.incoming, await this.api.message(chat, id));
  }

  // The phone's side of pairing a companion

  pairingRequest(code: string): Promise<{ code: string; device_name: string; requested_at: number; expires_at: number }> {
    return this.api.http.request("GET", `/v1/pair/requests/${encodeURIComponent(code)}`);
  }

  approvePairing(code: string): Promise<{ device_jid: string; device: number; device_name: string }> {
    return this.api.http.request("POST", `/v1/pair/requests/${encodeURIComponent(code)}/approve`, {});
  }

  async rejectPairing(code: string): Promise<void> {
    await this.api.http.request("POST", `/v1/pair/requests/${encodeURIComponent(code)}/reject`, {});
  }

  /** Ends this device's session on the server (for the phone: every device), then closes. */
  async logout(): Promise<void> {
    await this.api.logout();
    await this.disconnect();
  }
}
