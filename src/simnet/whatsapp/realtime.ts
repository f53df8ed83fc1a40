/**
 * The realtime socket, one per device. The first stanza authenticates (`hello` with the token
 * and, optionally, the position to resume after; without one the server resumes after what the
 * device acknowledged). Then the device's stored stanzas flow in order, each with its stream
 * position `seq`, which the device acknowledges; live stanzas (chat states, presence) carry no
 * position. A position past retention gets a `resync` stanza, then what is still retained.
 * A third-party provider opens the same socket with its token: it receives its own stream of
 * stanzas (interop/feed.ts) and acknowledges them the same way, and acts through REST only.
 */
import { z } from "zod";
import type { RealtimeConnection } from "../core/network.js";
import { StreamPump } from "../core/delivery.js";
import type { Faults } from "../core/faults.js";
import { ProtocolError } from "../core/protocol-error.js";
import { handleFrames, sendFrame, type Frame } from "../core/realtime.js";
import { parse } from "../core/validate.js";
import { deviceInfo } from "./accounts.js";
import { authenticate, deviceStream, type Authed, type Wa } from "./context.js";
import { renderError } from "./errors.js";
import { presenceSchema, type Connection, type Live } from "./live.js";
import type { MessageStore } from "./message-store.js";
import type { ResyncStanza } from "./protocol.js";
import { sendReceipt } from "./receipts.js";
import { sendEnvelope } from "./send.js";
import { providerDeviceJid } from "./interop-protocol.js";
import { providerStream } from "./interop/providers.js";

const HELLO_TIMEOUT_MS = 10_000;
const helloSchema = z.object({ token: z.string().min(1).max(256), after: z.number().int().min(0).optional(), passive: z.boolean().optional() });
const ackSchema = z.object({ seq: z.number().int().min(0) });
const subscribeSchema = z.object({ jid: z.string().max(64) });

export function closeLoggedOut(wa: Wa, live: Live, sessionId: string): void {
  const reason = wa.logoutReasons.get(sessionId) ?? "logout";
  wa.logoutReasons.delete(sessionId);
  for (const connection of live.connections(sessionId)) {
    sendFrame(connection.socket, { type: "logged_out", reason });
    connection.socket.close(4401, "logged out");
    live.remove(connection);
  }
}

const passiveRefusal = () => new ProtocolError(400, "passive_connection", "a passive connection only sends; open a normal one to receive");

/** Who is on the other end: a device, or a third-party provider (which only receives here). */
type Peer = { kind: "device"; authed: Authed; stream: string } | { kind: "provider"; stream: string };

const providerRefusal = () => new ProtocolError(400, "not_for_providers", "a provider acts through the interop API (/interop/v1); its socket only receives");

export function realtimeHandler(wa: Wa, store: MessageStore, live: Live, faults: Faults) {
  return ({ socket }: RealtimeConnection): void => {
    let peer: Peer | undefined;
    let connection: Connection | undefined;
    let pump: StreamPump | undefined;
    const helloTimer = setTimeout(() => socket.close(4401, "no hello"), HELLO_TIMEOUT_MS);

    const startPump = (stream: string, after: number) => {
      pump = new StreamPump({
        streams: wa.streams,
        faults,
        stream,
        after,
        send: (event) => sendFrame(socket, { ...(event.payload as object), type: event.type, seq: event.seq }),
        onGap: (firstRetained, latest) => {
          const stanza: ResyncStanza = { type: "resync", after, first_retained: firstRetained, latest };
          sendFrame(socket, stanza);
          // Go on with what is still retained; the device refetches the rest (history, groups).
          startPump(stream, after < firstRetained ? firstRetained - 1 : latest);
        },
        // The client reconnects and resumes from its ack; nothing is lost.
        onError: () => socket.close(1011, "delivery failed"),
      });
      pump.start();
    };

    /** Authenticates the token as a provider's or a device's; a dead token closes the socket. */
    const identify = (token: string): { peer: Peer; success: Record<string, unknown>; user: string; sessionId: string } => {
      try {
        if (wa.interop.providers.isProviderToken(token)) {
          const provider = wa.interop.providers.authenticate(token);
          const deviceJid = providerDeviceJid(provider.id);
          return { peer: { kind: "provider", stream: providerStream(provider.id) }, success: { type: "success", provider: provider.id, device_jid: deviceJid }, user: deviceJid, sessionId: provider.id };
        }
        const authed = authenticate(wa, token);
        const success = { type: "success", jid: authed.user, device_jid: deviceInfo(authed.device).jid };
        return { peer: { kind: "device", authed, stream: deviceStream(authed.session.id) }, success, user: authed.user, sessionId: authed.session.id };
      } catch (error) {
        // After the error stanza has gone out: a dead token does not get to retry on this socket.
        setImmediate(() => socket.close(4401, "unauthorized"));
        throw error;
      }
    };

    const hello = (frame: Frame) => {
      const request = parse(helloSchema, frame, "hello");
      const identified = identify(request.token);
      clearTimeout(helloTimer);
      peer = identified.peer;
      const passive = request.passive === true && peer.kind === "device";
      connection = { sessionId: identified.sessionId, user: identified.user, socket, subscriptions: new Set(), passive };
      if (connection.passive) {
        live.add(connection);
        sendFrame(socket, { ...identified.success, passive: true });
        return;
      }
      const replaced = live.add(connection);
      if (replaced) {
        sendFrame(replaced.socket, { type: "stream_error", reason: "replaced" });
        replaced.socket.close(4409, "replaced by a new connection of this device");
      }
      const acked = wa.acks.position(peer.stream, peer.stream);
      sendFrame(socket, { ...identified.success, acked, latest: wa.streams.latest(peer.stream) });
      startPump(peer.stream, request.after ?? acked);
    };

    /** What only a device may send. */
    const deviceFrame = (authed: Authed, frame: Frame, connection: Connection): void => {
      switch (frame.type) {
        case "message":
          sendFrame(socket, { type: "sent", ...sendEnvelope(wa, store, authed, frame) });
          return;
        case "receipt":
          sendReceipt(wa, store, authed, frame);
          return;
        case "chatstate":
          live.chatState(authed, frame);
          return;
        case "presence":
          live.setPresence(authed.user, parse(presenceSchema, frame, "presence").state);
          return;
        case "presence_subscribe":
          if (connection.passive) throw passiveRefusal();
          sendFrame(socket, live.subscribe(connection, parse(subscribeSchema, frame, "subscription").jid));
          return;
        default:
          throw new ProtocolError(400, "unknown_stanza", `unknown stanza type '${frame.type}'`);
      }
    };

    handleFrames({
      socket,
      log: wa.log,
      errorFrame: (error, frame) => ({ type: "error", ...(typeof frame?.id === "string" ? { ref: frame.id } : {}), ...renderError(error) }),
      onFrame: (frame) => {
        if (!peer || !connection) {
          if (frame.type !== "hello") throw new ProtocolError(401, "not_authenticated", "send a hello stanza with your token first");
          return hello(frame);
        }
        switch (frame.type) {
          case "ack":
            if (!pump) throw passiveRefusal();
            wa.acks.ack(peer.stream, peer.stream, parse(ackSchema, frame, "ack").seq, pump.position);
            return;
          case "ping":
            sendFrame(socket, { type: "pong", ...(typeof frame.id === "string" ? { id: frame.id } : {}) });
            return;
          case "hello":
            throw new ProtocolError(400, "already_authenticated", "this connection is already authenticated");
          default:
            if (peer.kind === "provider") throw providerRefusal();
            return deviceFrame(peer.authed, frame, connection);
        }
      },
    });

    socket.on("close", () => {
      clearTimeout(helloTimer);
      pump?.stop();
      if (connection) live.remove(connection);
    });
  };
}
