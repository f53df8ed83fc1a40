/**
 * The realtime delta stream. A client opens the socket and sends `connect` with its access token
 * and the last seq it has (or none, to resume from what this session acknowledged). The server
 * answers `connected`, sends every delta after that position in order, then live ones. The
 * client acknowledges what it has processed. A position older than what is retained gets
 * `resync_required` and a close: the client must fetch a snapshot and resume from its seq.
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
import type { LiveConnection } from "../core/live-connections.js";
import { CLOSE_CODES, ERROR_CODES, LIMITS, type ErrorFrame, type MessengerDelta, type ServerFrame } from "./protocol.js";
import type { Messenger } from "./services.js";

const ConnectFrame = z.object({
  type: z.literal("connect"),
  access_token: z.string().min(1).max(200),
  last_seq: z.number().int().min(0).optional(),
});
const AckFrame = z.object({ type: z.literal("ack"), seq: z.number().int().min(0) });
const PingFrame = z.object({ type: z.literal("ping"), id: z.string().max(100).optional() });

interface Connected {
  session: Session;
  stream: string;
  pump: StreamPump;
  live: LiveConnection;
}

function resyncFrame(firstRetained: number, latest: number): ErrorFrame {
  return {
    type: "error",
    code: ERROR_CODES.resyncRequired,
    message: "this position is no longer retained; fetch GET /v1/sync/snapshot and connect again with its seq",
    last_seq: latest,
    first_retained: firstRetained,
  };
}

export function serveRealtime(m: Messenger, { socket }: RealtimeConnection): void {
  let connected: Connected | undefined;
  const send = (frame: ServerFrame) => sendFrame(socket, frame);
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
    const request = parse(ConnectFrame, frame, "connect frame");
    clearTimeout(timer);
    const session = m.sessions.find(request.access_token);
    if (!session) {
      refuse({ type: "error", code: ERROR_CODES.unauthorized, message: "the access token is not valid (revoked or unknown)" }, CLOSE_CODES.unauthorized);
      return;
    }
    const stream = accountStream(session.account);
    const after = request.last_seq ?? m.acks.position(stream, session.id);
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
      send: (event) => send({ type: "delta", seq: event.seq, timestamp: event.at, delta: event.payload as MessengerDelta }),
      onGap: (firstRetained, latest) => refuse(resyncFrame(firstRetained, latest), CLOSE_CODES.resyncRequired),
      // The client reconnects and resumes from last_seq; nothing is lost.
      onError: () => socket.close(1011, "delivery failed"),
    });
    const live: LiveConnection = { socket, account: session.account, sessionId: session.id };
    connected = { session, stream, pump, live };
    m.live.add(live);
    send({ type: "connected", session_id: session.id, account_id: session.account, resume_from: after, last_seq: m.streams.latest(stream) });
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
          m.acks.ack(connected.stream, connected.session.id, seq, connected.pump.position);
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
