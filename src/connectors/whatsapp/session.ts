/**
 * One linked WhatsApp account, connected: the bridge is a companion device of the person's
 * phone. Stored stanzas reach the core one at a time and are acknowledged to WhatsApp only once
 * `sink.handle` resolved (the client emits them with `emitAsync`, and its realtime connection
 * acknowledges only what its listeners finished); a rejection leaves the stanza unacknowledged
 * and the connection is reopened, so WhatsApp delivers it again with everything after it.
 */
import {
  NetworkError,
  type ChatInfo,
  type ConnectionState,
  type ConnectorLogger,
  type FormattedText,
  type MessageEvent,
  type NetworkSession,
  type OutgoingMessage,
  type RemoteChatId,
  type RemoteEvent,
  type RemoteEventSink,
  type RemoteMessageId,
  type RemoteUser,
  type RemoteUserId,
  type SendResult,
} from "../../network/index.js";
import { WhatsappClient, type ClientOptions } from "../../simnet/whatsapp/client/client.js";
import type { WhatsappEvents } from "../../simnet/whatsapp/client/events.js";
import type { WhatsappSession } from "../../simnet/whatsapp/client/login.js";
import type { RealtimeStatus } from "../../simnet/whatsapp/client/realtime.js";
import { isUserJid, LIMITS, type SendAck } from "../../simnet/whatsapp/protocol.js";
import { mapErrors, toNetworkError } from "./errors.js";
import { changeParticipants } from "./groups.js";
import { recentMessages } from "./history.js";
import { messageIdFor } from "./ids.js";
import { deleteEvent, editEvent, messageEvent, notificationEvent, presenceEvent, reactionEvent, receiptEvent, typingEvent } from "./incoming.js";
import { Lookups } from "./lookups.js";
import { toWhatsapp } from "./markup.js";
import { sendOutgoing } from "./outgoing.js";
import { SerialQueue } from "../common/serial-queue.js";
import { disconnectedDetail, endedReason, resyncDetail } from "./status.js";

type StoredEvent = "message" | "edit" | "reaction" | "revoke" | "receipt" | "notification";

const sent = (ack: SendAck): SendResult => ({ id: ack.id, timestamp: ack.t });

export class WhatsappNetworkSession implements NetworkSession {
  private readonly client: WhatsappClient;
  private readonly lookups: Lookups;
  private readonly queue = new SerialQueue();
  private current: ConnectionState = "disconnected";
  private listening = false;
  /** No more events go to the core: stop() or logout() was called, or the session ended. */
  private stopping = false;
  private ended = false;
  /** The core ended the session itself (logout), so it needs no `loggedOut` about it. */
  private endedByCore = false;
  /** Direct-chat peers whose presence this connection follows. */
  private readonly followed = new Set<string>();

  constructor(
    session: WhatsappSession,
    private readonly sink: RemoteEventSink,
    private readonly logger: ConnectorLogger,
    options: ClientOptions = {},
    hideNumbers = false,
  ) {
    this.client = new WhatsappClient(session, options);
    this.lookups = new Lookups(this.client, hideNumbers);
  }

  get remoteUserId(): RemoteUserId {
    return this.client.jid;
  }

  get state(): ConnectionState {
    return this.current;
  }

  async start(): Promise<void> {
    if (this.ended) throw new NetworkError("logged_out", "this WhatsApp session has ended; log in again");
    this.listen();
    this.stopping = false;
    if (this.client.connected) return;
    this.setState("connecting");
    try {
      await this.client.connect();
    } catch (error) {
      throw await this.connectFailure(error);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    // Closing waits for the stanza in progress; the ones queued behind it are refused (handOver)
    // and so stay unacknowledged, for the next start.
    await this.client.disconnect();
    await this.queue.idle();
    if (!this.ended) this.current = "disconnected";
  }

  async logout(): Promise<void> {
    this.endedByCore = true;
    try {
      await this.client.api.logout();
    } catch (error) {
      const mapped = toNetworkError(error);
      // A session the network has already ended is logged out all the same.
      if (mapped.code !== "logged_out") {
        this.endedByCore = false;
        throw mapped;
      }
    }
    this.stopping = true;
    this.ended = true;
    this.current = "logged-out";
    await this.client.disconnect();
    await this.queue.idle();
  }

  // Receiving

  private listen(): void {
    if (this.listening) return;
    this.listening = true;
    const events = this.client.events;
    this.stored("message", (message) => {
      this.followPresence(message.chat);
      return messageEvent(this.client, message);
    });
    this.stored("edit", editEvent);
    this.stored("reaction", reactionEvent);
    this.stored("revoke", deleteEvent);
    this.stored("receipt", receiptEvent);
    this.stored("notification", (notification) => {
      const event = notificationEvent(this.client, notification);
      if (!event) this.logger.debug("skipping a WhatsApp notification the bridge does not show", { kind: notification.kind, action: notification.action });
      return event;
    });
    events.on("decrypt_error", ({ stanza, error }) => {
      this.logger.warn("skipping a WhatsApp message that does not decrypt", { id: stanza.id, chat: stanza.chat, from: stanza.from_device, error: error.message });
    });
    events.on("chatstate", (state) => this.live(() => typingEvent(this.client.jid, state)));
    events.on("presence", (presence) => this.live(() => presenceEvent(this.client.jid, presence)));
    events.on("connection", (status) => this.onConnection(status));
  }

  private stored<K extends StoredEvent>(type: K, convert: (value: WhatsappEvents[K]) => RemoteEvent | undefined): void {
    this.client.events.on(type, (value) => this.handOver(type, () => convert(value)));
  }

  /** Resolves once the core has the event; rejects (leaving the stanza unacknowledged) if not. */
  private async handOver(type: StoredEvent, convert: () => RemoteEvent | undefined): Promise<void> {
    if (this.stopping) throw new Error("the WhatsApp session is stopping; the stanza is left for the next start");
    let event: RemoteEvent | undefined;
    try {
      event = convert();
    } catch (error) {
      this.logger.warn("skipping a WhatsApp stanza the bridge cannot read", { type, error: String(error) });
      return;
    }
    if (!event) return;
    const ready = event;
    try {
      await this.queue.run(() => this.sink.handle(ready));
    } catch (error) {
      this.logger.warn("the bridge did not take a WhatsApp event; WhatsApp delivers it again after reconnecting", { type: ready.type, error: String(error) });
      throw error;
    }
  }

  /** Chat states and presence are not stored by WhatsApp: one the core refuses is gone. */
  private live(make: () => RemoteEvent): void {
    if (this.stopping) return;
    const event = make();
    this.queue.run(() => this.sink.handle(event)).catch((error: unknown) => {
      this.logger.warn("the bridge did not take a live WhatsApp event", { type: event.type, error: String(error) });
    });
  }

  private onConnection(status: RealtimeStatus): void {
    switch (status.kind) {
      case "connected":
        this.setState("connected");
        void this.subscribePresence();
        return;
      case "disconnected":
        this.setState("disconnected", disconnectedDetail(status));
        return;
      case "resync":
        this.logger.warn("WhatsApp no longer kept some of this device's stanzas: events in that gap are lost", { ...status });
        this.setState("connected", resyncDetail(status));
        return;
      case "ended":
        if (status.reason === "closed") this.setState("disconnected", endedReason(status));
        else this.end(endedReason(status));
    }
  }

  private setState(state: ConnectionState, detail?: string): void {
    if (this.ended) return;
    this.current = state;
    this.sink.connectionChanged(state, detail);
  }

  /** The network ended the session for good (unlinked, logged out, replaced). */
  private end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.stopping = true;
    this.current = "logged-out";
    this.logger.info("WhatsApp ended the session", { reason });
    if (!this.endedByCore) this.sink.loggedOut(reason);
    // Closes the socket kept for sending as well.
    this.client.disconnect().catch(() => {});
  }

  /** Why the first connection failed; a session the network no longer knows is logged out. */
  private async connectFailure(error: unknown): Promise<NetworkError> {
    if (!this.ended) {
      try {
        await this.client.api.me();
      } catch (probe) {
        if (toNetworkError(probe).code === "logged_out") this.end(endedReason({ kind: "ended", reason: "unauthorized" }));
      }
    }
    if (this.ended) return new NetworkError("logged_out", "WhatsApp no longer accepts this session; log in again", { cause: error });
    this.setState("disconnected", String(error));
    return toNetworkError(error);
  }

  /** A direct chat that is new since connecting: follow the contact's presence from now on. */
  private followPresence(chat: string): void {
    if (this.followed.has(chat) || chat === this.client.jid || !isUserJid(chat) || !this.client.connected) return;
    this.followed.add(chat);
    this.client.subscribePresence(chat).catch((error: unknown) => {
      this.followed.delete(chat);
      this.logger.debug("could not follow a WhatsApp contact's presence", { jid: chat, error: String(error) });
    });
  }

  /** Presence comes only to connections that ask, and the asking lasts as long as the connection. */
  private async subscribePresence(): Promise<void> {
    this.followed.clear();
    let peers: string[];
    try {
      peers = (await this.client.api.chats()).filter((chat) => chat.kind === "direct" && chat.jid !== this.client.jid).map((chat) => chat.jid);
    } catch (error) {
      this.logger.warn("could not list WhatsApp chats to follow presence", { error: String(error) });
      return;
    }
    for (const peer of peers) this.followed.add(peer);
    const results = await Promise.allSettled(peers.map((peer) => this.client.subscribePresence(peer)));
    results.forEach((result, index) => {
      if (result.status === "rejected") this.logger.debug("could not follow a WhatsApp contact's presence", { jid: peers[index], error: String(result.reason) });
    });
  }

  // Looking things up

  getSelf(): Promise<RemoteUser> {
    return mapErrors(() => this.lookups.self());
  }

  getUser(id: RemoteUserId): Promise<RemoteUser> {
    return mapErrors(() => this.lookups.get(id));
  }

  resolveUser(identifier: string): Promise<RemoteUser | undefined> {
    return mapErrors(() => this.lookups.resolve(identifier));
  }

  listChats(): Promise<ChatInfo[]> {
    return mapErrors(() => this.lookups.chats());
  }

  getChat(id: RemoteChatId): Promise<ChatInfo> {
    return mapErrors(() => this.lookups.chat(id));
  }

  /** On WhatsApp a direct chat is named by the other person's JID. */
  directChatWith(user: RemoteUserId): RemoteChatId {
    return user;
  }

  history(chat: RemoteChatId, limit: number): Promise<MessageEvent[]> {
    return mapErrors(() => recentMessages(this.client, chat, limit));
  }

  // Sending

  send(chat: RemoteChatId, message: OutgoingMessage, key: string): Promise<SendResult> {
    return mapErrors(async () => sent(await sendOutgoing(this.client, chat, message, key, this.logger)));
  }

  edit(chat: RemoteChatId, target: RemoteMessageId, text: FormattedText, key: string): Promise<SendResult> {
    // The client lists the edit's mentions from its @numbers, which is what toWhatsapp writes.
    return mapErrors(async () => sent(await this.client.edit(chat, target, toWhatsapp(text).text, { id: messageIdFor(key) })));
  }

  react(chat: RemoteChatId, target: RemoteMessageId, emoji: string, key: string): Promise<void> {
    return mapErrors(async () => void (await this.client.react(chat, target, emoji, { id: messageIdFor(key) })));
  }

  removeReaction(chat: RemoteChatId, target: RemoteMessageId, key: string): Promise<void> {
    return mapErrors(async () => void (await this.client.react(chat, target, "", { id: messageIdFor(key) })));
  }

  delete(chat: RemoteChatId, target: RemoteMessageId, key: string): Promise<void> {
    return mapErrors(async () => void (await this.client.revoke(chat, target, { id: messageIdFor(key) })));
  }

  markRead(chat: RemoteChatId, targets: RemoteMessageId[]): Promise<void> {
    return mapErrors(async () => {
      for (let i = 0; i < targets.length; i += LIMITS.maxReceiptIds) await this.client.markRead(chat, targets.slice(i, i + LIMITS.maxReceiptIds));
    });
  }

  setTyping(chat: RemoteChatId, typing: boolean): Promise<void> {
    return mapErrors(() => this.client.setChatState(chat, typing ? "composing" : "paused"));
  }

  // Groups

  setChatName(chat: RemoteChatId, name: string): Promise<void> {
    return mapErrors(async () => void (await this.client.api.setGroupSubject(chat, name)));
  }

  setChatTopic(chat: RemoteChatId, topic: string): Promise<void> {
    return mapErrors(async () => void (await this.client.api.setGroupDescription(chat, topic)));
  }

  /** WhatsApp stores group pictures as JPEG whatever they were sent as; the MIME type is not sent. */
  setChatAvatar(chat: RemoteChatId, image: { data: Buffer; mimeType: string } | null): Promise<void> {
    return mapErrors(async () => void (await this.client.api.setGroupPicture(chat, image ? image.data : null)));
  }

  addMembers(chat: RemoteChatId, users: RemoteUserId[]): Promise<void> {
    return mapErrors(() => changeParticipants(this.client.api, chat, "add", users));
  }

  removeMembers(chat: RemoteChatId, users: RemoteUserId[]): Promise<void> {
    return mapErrors(() => changeParticipants(this.client.api, chat, "remove", users));
  }

  setAdmin(chat: RemoteChatId, user: RemoteUserId, admin: boolean): Promise<void> {
    return mapErrors(() => changeParticipants(this.client.api, chat, admin ? "promote" : "demote", [user]));
  }

  leaveChat(chat: RemoteChatId): Promise<void> {
    return mapErrors(() => this.client.api.leaveGroup(chat));
  }
}
