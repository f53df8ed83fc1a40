/**
 * Messenger's error format, shaped like the Graph API's (`{ error: { message, type, code,
 * fbtrace_id } }`) but with a stable string code clients act on, and the helpers that raise the
 * errors this network answers most.
 */
import { randomBytes } from "node:crypto";
import { ProtocolError } from "../core/protocol-error.js";
import { ERROR_CODES, type ErrorBody, type ErrorFrame } from "./protocol.js";

export function renderError(error: ProtocolError): ErrorBody {
  return {
    error: {
      ...error.details,
      code: error.code,
      message: error.message,
      type: error.status === 401 ? "OAuthException" : "MessengerException",
      status: error.status,
      fbtrace_id: randomBytes(8).toString("base64url"),
    },
  };
}

export function errorFrame(error: ProtocolError): ErrorFrame {
  return { ...error.details, type: "error", code: error.code, message: error.message };
}

export const forbidden = (code: string, message: string) => new ProtocolError(403, code, message);
export const notFound = (code: string, message: string) => new ProtocolError(404, code, message);
export const conflict = (code: string, message: string) => new ProtocolError(409, code, message);

export const notParticipant = () => forbidden(ERROR_CODES.notParticipant, "you are not a participant of this thread");
export const messageNotFound = (id: string) => notFound(ERROR_CODES.messageNotFound, `no message '${id}'`);
export const userNotFound = (id: string) => notFound(ERROR_CODES.userNotFound, `no user '${id}'`);

export function tooManyRequests(code: string, message: string, retryAfterMs: number): ProtocolError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new ProtocolError(429, code, message, { retry_after_seconds: seconds }, seconds);
}
