/**
 * The realtime delta stream. A client opens the socket and sends `connect` with its access token
 * and the last seq it has (or none, to resume from what this session acknowledged). The server
 * answers `connected`, sends every delta after that position in order, then live ones. The
 * client acknowledges what it has processed. A position older than what is retained gets
 * `resync_required` and a close: the client must fetch a snapshot and resume from its seq.
 *
 * A third-party provider connects the same way with its provider token, and gets its own
 * stream (interop/hub.ts) under the same rules: resumed from its acknowledged position, so what
 * it did not acknowledge comes again after a reconnect or a restart.
 */
import { z } from "zod";
import { StreamPump } from "../core/delivery.js";
import type { RealtimeConnection } from "../core/network.js";
import { ProtocolError } from "../core/protocol-error.js";
import { handleFrames, sendFrame, type Frame } from "../core/realtime.js";
import type { Session } from "../core/sessions.js";
import { parse } from "../core/validate.js";
import { accountStream } from "./deltas.js";
import { errorFrame } from "./errors.js";
import { providerConnection, providerStream } from "./interop/hub.js";
import type { LiveConnection } from "../core/live-connections.js";
import { CLOSE_CODES, ERROR_CODES, LIMITS, type ErrorFrame, type InteropDelta, type MessengerDelta, type StreamFrame } from "./protocol.js";
import type { Messenger } from "./services.js";

const ConnectFrame = z.object({
  type: z.literal("connect"),
  access_token: z.string().min(1).max(200),
  last_seq: z.number().int().min(0).optional(),
});
const ProviderConnectFrame = z.object({
  type: z.literal("connect"),
  provider_token: z.string().min(1).max(200),
  last_seq: z.number().int().min(0).optional(),
});
const AckFrame = z.object({ type: z.literal("ack"), seq: z.number().int().min(0) });
const PingFrame = z.object({ type: z.literal("ping"), id: z.string().max(100).optional() });

/** Whose stream a socket carries: a user session's, or a provider's. */
interface Reader {
  stream: string;
  /** Who the acknowledged position belongs to. */
  consumer: string;
  live: Omit<LiveConnection, "socket">;
  /** What the `connected` frame names. */
  hello: { session_id: string; account_id: string } | { provider_id: string };
}

interface Connected {
  stream: string;
  consumer: string;
  pump: StreamPump;
  live: LiveConnection;
}

/** The reader a connect frame authenticates, or undefined for a token that is not valid. */
function readerOf(m: Messenger, frame: Frame): { reader: Reader | undefined; lastSeq: number | undefined } {
  if ("provider_token" in frame) {
    const request = parse(ProviderConnectFrame, frame, "connect frame");
    const provider = m.interop.providers.findByToken(request.provider_token);
    const reader: Reader | undefined = provider && {
      stream: providerStream(provider.id),
      consumer: provider.id,
      live: { account: providerConnection(provider.id), sessionId: provider.id },
      hello: { provider_id: provider.id },
    };
    return { reader, lastSeq: request.last_seq };
  }
  const request = parse(ConnectFrame, frame, "connect frame");
  const session: Session | undefined = m.sessions.find(request.access_token);
  const reader: Reader | undefined = session && {
    stream: accountStream(session.account),
    consumer: session.id,
    live: { account: session.account, sessionId: session.id },
    hello: { session_id: session.id, account_id: session.account },
  };
  return { reader, lastSeq: request.last_seq };
}

function resyncFrame(firstRetained: number, latest: number): ErrorFrame {
  return {
    type: "error",
    code: ERROR_CODES.resyncRequired,
    message: "this position is no longer retained; fetch the snapshot (GET /v1/sync/snapshot, a provider GET /v1/interop/sync) and connect again with its seq",
    last_seq: latest,
    first_retained: firstRetained,
  };
}

export function serveRealtime(m: Messenger, { socket }: RealtimeConnection): void {
  let connected: Connected | undefined;
  const send = (frame: StreamFrame<MessengerDelta | InteropDelta>) => sendFrame(socket, frame);
  /** Sends the error frame, then closes with `code`. */
  const refuse = (frame: ErrorFrame, code: number) => {
    send(frame);
    socket.close(code, frame.code);
  };

  const timer = setTimeout(
    () => refuse({ type: "error", code: ERROR_CODES.notConnected, message: "send a connect frame first" }, CLOSE_CODES.connectTimeout),
    LIMITS.connectTimeoutMs,
  );
  socket.on("close", () => {
    clearTimeout(timer);
    if (!connected) return;
    connected.pump.stop();
    m.live.remove(connected.live);
  });

  const connect = (frame: Frame) => {
    if (connected) throw new ProtocolError(400, ERROR_CODES.alreadyConnected, "this socket is already connected");
    const { reader, lastSeq } = readerOf(m, frame);
    clearTimeout(timer);
    if (!reader) {
      refuse({ type: "error", code: ERROR_CODES.unauthorized, message: "the token is not valid (revoked or unknown)" }, CLOSE_CODES.unauthorized);
      return;
    }
    const { stream, consumer } = reader;
    const after = lastSeq ?? m.acks.position(stream, consumer);
    const check = m.streams.resume(stream, after, 0);
    if (!check.ok) {
      refuse(resyncFrame(check.firstRetained, check.latest), CLOSE_CODES.resyncRequired);
      return;
    }
    const pump = new StreamPump({
      streams: m.streams,
      faults: m.faults,
      stream,
      after,
      send: (event) => send({ type: "delta", seq: event.seq, timestamp: event.at, delta: event.payload as MessengerDelta | InteropDelta }),
      onGap: (firstRetained, latest) => refuse(resyncFrame(firstRetained, latest), CLOSE_CODES.resyncRequired),
      // The client reconnects and resumes from last_seq; nothing is lost.
      onError: () => socket.close(1011, "delivery failed"),
    });
    const live: LiveConnection = { socket, ...reader.live };
    connected = { stream, consumer, pump, live };
    m.live.add(live);
    send({ type: "connected", ...reader.hello, resume_from: after, last_seq: m.streams.latest(stream) });
    pump.start();
  };

  handleFrames({
    socket,
    log: m.log,
    errorFrame,
    onFrame(frame) {
      switch (frame.type) {
        case "connect":
          return connect(frame);
        case "ack": {
          const { seq } = parse(AckFrame, frame, "ack frame");
          if (!connected) throw new ProtocolError(400, ERROR_CODES.notConnected, "send a connect frame first");
          m.acks.ack(connected.stream, connected.consumer, seq, connected.pump.position);
          return;
        }
        case "ping": {
          const { id } = parse(PingFrame, frame, "ping frame");
          send(id === undefined ? { type: "pong" } : { type: "pong", id });
          return;
        }
        default:
          throw new ProtocolError(400, ERROR_CODES.unknownFrame, `unknown frame type '${frame.type.slice(0, 50)}'`);
      }
    },
  });
}

/** Revoking a session (logout, or from another session) closes its sockets at once. */
export function closeRevokedSessions(m: Messenger): () => void {
  return m.sessions.onRevoked((session) =>
    m.live.closeSession(session.account, session.id, CLOSE_CODES.sessionRevoked, ERROR_CODES.sessionRevoked, {
      type: "error",
      code: ERROR_CODES.sessionRevoked,
      message: "this session was logged out",
    }),
  );
}
