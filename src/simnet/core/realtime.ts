/**
 * The plumbing every realtime protocol shares: JSON frames in and out, a protocol error frame
 * for anything malformed (the connection stays up), and a close once a client keeps sending
 * garbage. Each network decides what its frames mean and how errors look on its wire.
 */
import type { RawData, WebSocket } from "ws";
import { ProtocolError } from "./protocol-error.js";
import type { SimnetLogger } from "./network.js";

export interface Frame {
  type: string;
  [key: string]: unknown;
}

/** Unreadable frames tolerated on one connection before it is closed. */
const MAX_BAD_FRAMES = 100;

export function parseFrame(data: RawData, isBinary: boolean): Frame {
  if (isBinary) throw new ProtocolError(400, "binary_frame", "frames must be JSON text");
  const text = Array.isArray(data) ? Buffer.concat(data).toString("utf8") : Buffer.from(data as ArrayBuffer).toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new ProtocolError(400, "malformed_frame", "the frame is not valid JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ProtocolError(400, "malformed_frame", "a frame must be a JSON object");
  }
  const type = (value as Record<string, unknown>).type;
  if (typeof type !== "string") throw new ProtocolError(400, "malformed_frame", "a frame needs a string 'type'");
  return value as Frame;
}

export function sendFrame(socket: WebSocket, frame: unknown): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
}

export interface FrameHandlerOptions {
  socket: WebSocket;
  log: SimnetLogger;
  /** Handles one well-formed frame; a ProtocolError it throws becomes an error frame. */
  onFrame(frame: Frame): void | Promise<void>;
  /** The network's error frame for a refused frame. */
  errorFrame(error: ProtocolError, frame: Frame | undefined): unknown;
}

/** Feeds the socket's frames to `onFrame` one at a time, in order. */
export function handleFrames(options: FrameHandlerOptions): void {
  const { socket, log } = options;
  let badFrames = 0;
  let chain: Promise<void> = Promise.resolve();
  socket.on("message", (data, isBinary) => {
    chain = chain.then(async () => {
      let frame: Frame | undefined;
      try {
        frame = parseFrame(data, isBinary);
        await options.onFrame(frame);
      } catch (error) {
        const protocolError =
          error instanceof ProtocolError ? error : new ProtocolError(500, "internal_error", "the server failed to handle the frame");
        if (!(error instanceof ProtocolError)) log.error("Realtime frame handler failed", { error: String(error) });
        sendFrame(socket, options.errorFrame(protocolError, frame));
        // Only unreadable frames count: a refused action (an edit too late) is ordinary use.
        if (frame === undefined && ++badFrames >= MAX_BAD_FRAMES) socket.close(1008, "too many malformed frames");
      }
    });
  });
}
