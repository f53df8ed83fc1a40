/**
 * The realtime socket: the client's first frame is `connect` with its token and the `seq_id` it
 * has (from the inbox snapshot or its last patch); the server answers `connected`, then sends
 * every patch after that position in order, then live ones. The client acks positions; a
 * connect without `seq_id` resumes from the session's last ack. A position no longer retained
 * gets `resync_required` and the socket closes: the client must fetch the inbox again. Like the
 * app's MQTT connection, the socket also carries sends (`send_item`, answered `item_ack`) and
 * typing; `subscribe: false` connects for those only. A provider connects the same way with its
 * `IGI:1:` token and reads its own stream (interop/feed.ts).
 */
import { z } from "zod";
import { StreamPump } from "../core/delivery.js";
import type { LiveConnection } from "../core/live-connections.js";
import type { RealtimeConnection } from "../core/network.js";
import { badRequest, ProtocolError } from "../core/protocol-error.js";
import { handleFrames, sendFrame, type Frame } from "../core/realtime.js";
import { parse } from "../core/validate.js";
import { accountStream, type Instagram } from "./context.js";
import { renderInstagramError } from "./errors.js";
import { providerAccount, type RealtimeHub } from "./hub.js";
import { providerStream } from "./interop/feed.js";
import { clientContext, numericId } from "./fields.js";
import { CLOSE_LOGGED_OUT, CLOSE_RESYNC, ERRORS, INTEROP_TOKEN_PREFIX, SEND_KINDS, type IgPatch, type ServerFrame } from "./protocol.js";
import { micros } from "./render.js";
import { sessionOf } from "./routes/common.js";
import type { Sends } from "./sends.js";

/** A socket that has not sent `connect` by then is closed. */
const CONNECT_TIMEOUT_MS = 10_000;

const position = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const connectFrame = z.object({ token: z.string().max(512), seq_id: position.optional(), subscribe: z.boolean().default(true) });
const sendItemFrame = z.object({ kind: z.enum(SEND_KINDS), client_context: clientContext });
const ackFrame = z.object({ seq_id: position });
const activityFrame = z.object({ thread_id: numericId, activity_status: z.union([z.literal(0), z.literal(1)]) });

interface Live extends LiveConnection {
  stream: string;
  /** Absent on a connection that did not subscribe. */
  pump?: StreamPump;
}

/** A refusal as a frame; `client_context` ties it to the send_item it refuses. */
function errorFrame(error: unknown, clientContext?: unknown): ServerFrame {
  const refusal = error instanceof ProtocolError ? error : new ProtocolError(500, "internal_error", "the server failed to handle the frame");
  return {
    ...(renderInstagramError(refusal) as { message: string; status: "fail" }),
    type: "error",
    status_code: refusal.status,
    ...(typeof clientContext === "string" ? { client_context: clientContext } : {}),
    ...(refusal.retryAfter !== undefined ? { retry_after: refusal.retryAfter } : {}),
  };
}

/** Whose stream a connect frame opens: a session's account's, or a provider's. */
function subscriberOf(ig: Instagram, token: string): Omit<Live, "socket" | "pump"> {
  if (token.startsWith(INTEROP_TOKEN_PREFIX)) {
    const { provider_id: id } = ig.providers.authenticate(token);
    return { account: providerAccount(id), sessionId: id, stream: providerStream(id) };
  }
  const session = sessionOf(ig, token);
  return { account: session.account, sessionId: session.id, stream: accountStream(session.account) };
}

export function serveRealtime(ig: Instagram, hub: RealtimeHub, sends: Sends, { socket }: RealtimeConnection): void {
  let live: Live | undefined;
  const send = (frame: ServerFrame) => sendFrame(socket, frame);
  const timer = setTimeout(() => live === undefined && socket.close(CLOSE_LOGGED_OUT, "no connect frame"), CONNECT_TIMEOUT_MS);
  timer.unref();
  socket.on("close", () => {
    clearTimeout(timer);
    if (!live) return;
    live.pump?.stop();
    hub.remove(live);
  });

  const connect = (frame: Frame): void => {
    if (live) throw badRequest("already_connected", "this socket is already connected");
    const request = parse(connectFrame, frame, "connect frame");
    let who;
    try {
      who = subscriberOf(ig, request.token);
    } catch (error) {
      setImmediate(() => socket.close(CLOSE_LOGGED_OUT, ERRORS.loginRequired));
      throw error;
    }
    const { stream, account, sessionId } = who;
    if (!request.subscribe) {
      live = { socket, account, sessionId, stream };
      hub.add(live);
      return send({ type: "connected", seq_id: null, latest_seq_id: ig.net.streams.latest(stream), session_id: sessionId });
    }
    const after = request.seq_id ?? ig.acks.position(stream, sessionId);
    const resync = (firstRetained: number, latest: number) => {
      send({
        type: "resync_required",
        message: `seq_id ${after} cannot be resumed (retained: after ${firstRetained - 1} up to ${latest}): fetch the inbox again and connect with its seq_id`,
        error_type: ERRORS.resyncRequired,
        status: "fail",
        seq_id: after,
        first_seq_id: firstRetained,
        latest_seq_id: latest,
      });
      socket.close(CLOSE_RESYNC, ERRORS.resyncRequired);
    };
    // Checked before answering `connected`, so a client never takes a stale position for a good one.
    const check = ig.net.streams.resume(stream, after, 0);
    if (!check.ok) return resync(check.firstRetained, check.latest);
    const pump = new StreamPump({
      streams: ig.net.streams,
      faults: ig.net.faults,
      stream,
      after,
      send: (event) => send({ type: "patch", seq_id: event.seq, timestamp: micros(event.at), data: event.payload as IgPatch[] }),
      // Retention can also overtake a slow client mid-stream.
      onGap: resync,
      // The client reconnects and resumes from its seq_id; nothing is lost.
      onError: () => socket.close(1011, "delivery failed"),
    });
    live = { socket, account, sessionId, stream, pump };
    hub.add(live);
    send({ type: "connected", seq_id: after, latest_seq_id: ig.net.streams.latest(stream), session_id: sessionId });
    pump.start();
  };

  const connected = (): Live => {
    if (!live) throw badRequest("not_connected", "send a connect frame first");
    return live;
  };

  const sendItem = (frame: Frame): void => {
    const { account } = connected();
    const { kind, client_context } = parse(sendItemFrame, frame, "send_item frame");
    // Not awaited: the next frames are read while this one waits for its commit, so a client's
    // sends share commits; they are answered in order all the same.
    sends.send(account, kind, frame).then(
      (ack) => send({ type: "item_ack", client_context, payload: ack.payload, item: ack.item }),
      (error: unknown) => {
        if (!(error instanceof ProtocolError)) ig.net.log.error("Realtime send failed", { error: String(error) });
        send(errorFrame(error, client_context));
      },
    );
  };

  handleFrames({
    socket,
    log: ig.net.log,
    errorFrame: (error, frame) => errorFrame(error, frame?.client_context),
    onFrame(frame) {
      switch (frame.type) {
        case "connect":
          return connect(frame);
        case "send_item":
          return sendItem(frame);
        case "ack": {
          const current = connected();
          if (!current.pump) throw badRequest("not_subscribed", "this connection did not subscribe to updates: there is nothing to ack");
          ig.acks.ack(current.stream, current.sessionId, parse(ackFrame, frame, "ack frame").seq_id, current.pump.position);
          return;
        }
        case "activity": {
          const request = parse(activityFrame, frame, "activity frame");
          hub.typing(connected().account, request.thread_id, request.activity_status === 1);
          return;
        }
        case "ping":
          return send({ type: "pong" });
        default:
          throw badRequest("unknown_frame_type", `unknown frame type '${frame.type.slice(0, 64)}'`);
      }
    },
  });
}
