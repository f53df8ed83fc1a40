/**
 * What is live rather than stored: which devices are connected, chat states (typing,
 * recording) and presence. Like WhatsApp, these are never queued: a device that is offline
 * misses them. Presence goes only to connections that subscribed to a user (as real clients
 * do when a chat is opened), and the user's last seen time is kept across restarts. A
 * third-party provider's socket is a connection too (its user is the provider's device JID).
 */
import { z } from "zod";
import type { WebSocket } from "ws";
import { sendFrame } from "../core/realtime.js";
import { parse } from "../core/validate.js";
import type { Authed, Wa } from "./context.js";
import type { ChatState, ChatStateStanza, PresenceStanza } from "./protocol.js";
import type { ChatRef } from "./chats.js";
import { isIdentityJid, providerDeviceJid, type ProviderChatStateStanza } from "./interop-protocol.js";
import { participantOf } from "./interop/feed.js";

export interface Connection {
  sessionId: string;
  user: string;
  socket: WebSocket;
  subscriptions: Set<string>;
  /** Only sends; receives no stanzas and does not make the user online (WhatsApp's passive mode). */
  passive: boolean;
}

const chatStateSchema = z.object({ chat: z.string().max(64), state: z.enum(["composing", "recording", "paused"]) });
export const presenceSchema = z.object({ state: z.enum(["available", "unavailable"]) });

export class Live {
  private readonly bySession = new Map<string, Connection>();
  private readonly passive = new Map<string, Set<Connection>>();
  private readonly byUser = new Map<string, Set<Connection>>();
  private readonly subscribers = new Map<string, Set<Connection>>();
  private readonly available = new Set<string>();

  constructor(private readonly wa: Wa) {}

  /** Registers a device's socket; returns the connection it replaces, if any. */
  add(connection: Connection): Connection | undefined {
    if (connection.passive) {
      this.passive.set(connection.sessionId, (this.passive.get(connection.sessionId) ?? new Set()).add(connection));
      return undefined;
    }
    const previous = this.bySession.get(connection.sessionId);
    if (previous) this.remove(previous);
    this.bySession.set(connection.sessionId, connection);
    const set = this.byUser.get(connection.user) ?? new Set();
    set.add(connection);
    this.byUser.set(connection.user, set);
    return previous;
  }

  remove(connection: Connection): void {
    if (connection.passive) {
      this.passive.get(connection.sessionId)?.delete(connection);
      return;
    }
    if (this.bySession.get(connection.sessionId) !== connection) return;
    this.bySession.delete(connection.sessionId);
    const set = this.byUser.get(connection.user);
    set?.delete(connection);
    for (const jid of connection.subscriptions) this.subscribers.get(jid)?.delete(connection);
    if (!set || set.size === 0) {
      this.byUser.delete(connection.user);
      // The last device gone: the user is no longer online.
      if (this.available.has(connection.user)) this.setPresence(connection.user, "unavailable");
    }
  }

  /** Every socket of a device: its stanza stream and any passive ones. */
  connections(sessionId: string): Connection[] {
    const main = this.bySession.get(sessionId);
    return [...(main ? [main] : []), ...(this.passive.get(sessionId) ?? [])];
  }

  chatState(authed: Authed, body: unknown): void {
    const { chat: to, state } = parse(chatStateSchema, body, "chat state");
    this.sendChatState(authed, this.wa.chats.resolve(authed.user, to), state);
  }

  /** To the other members' connected devices, and to a third-party chat's provider (its own identities' too). */
  sendChatState(authed: Authed, chat: ChatRef, state: ChatState): void {
    const mark = isIdentityJid(authed.user) ? { third_party: this.wa.interop.identities.mark(authed.user) } : {};
    for (const user of chat.users) {
      if (user === authed.user) continue;
      const stanza: ChatStateStanza = { type: "chatstate", chat: this.wa.chats.nameFor(chat, user, authed.user), from: authed.user, state, ...mark };
      for (const connection of this.byUser.get(user) ?? []) sendFrame(connection.socket, stanza);
    }
    const thirdParty = chat.thirdParty;
    const providerConnections = thirdParty && this.byUser.get(providerDeviceJid(thirdParty.provider));
    if (!thirdParty || !providerConnections) return;
    const stanza: ProviderChatStateStanza = { type: "chatstate", chat: thirdParty.id, from: participantOf(this.wa, thirdParty.provider, authed.user), state };
    for (const connection of providerConnections) sendFrame(connection.socket, stanza);
  }

  setPresence(user: string, state: "available" | "unavailable"): void {
    if (state === "available") this.available.add(user);
    else {
      this.available.delete(user);
      this.wa.accounts.setLastSeen(user, this.wa.now());
    }
    const stanza = this.presenceOf(user);
    for (const connection of this.subscribers.get(user) ?? []) sendFrame(connection.socket, stanza);
  }

  /** Subscribes a connection to a user's presence and answers with the current one. */
  subscribe(connection: Connection, jid: string): PresenceStanza {
    this.wa.accounts.require(jid);
    connection.subscriptions.add(jid);
    const set = this.subscribers.get(jid) ?? new Set();
    set.add(connection);
    this.subscribers.set(jid, set);
    return this.presenceOf(jid);
  }

  presenceOf(jid: string): PresenceStanza {
    if (this.available.has(jid)) return { type: "presence", from: jid, state: "available" };
    const lastSeen = this.wa.accounts.getLastSeen(jid);
    return { type: "presence", from: jid, state: "unavailable", ...(lastSeen !== undefined ? { last_seen: lastSeen } : {}) };
  }
}
