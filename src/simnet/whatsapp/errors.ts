/**
 * Errors in WhatsApp's shape: a numeric code (the HTTP status, as WhatsApp's stanza errors carry
 * one) and a stable text such as `rate_overlimit`, plus a sentence for people.
 */
import { ProtocolError } from "../core/protocol-error.js";
import type { WaErrorBody } from "./protocol.js";

export function renderError(error: ProtocolError): WaErrorBody {
  return { error: { ...error.details, code: error.status, text: error.code, message: error.message } };
}

export const forbidden = (text: string, message: string, details?: Record<string, unknown>) => new ProtocolError(403, text, message, details);
export const notFound = (text: string, message: string) => new ProtocolError(404, text, message);
export const conflict = (text: string, message: string, details?: Record<string, unknown>) => new ProtocolError(409, text, message, details);
export const gone = (text: string, message: string) => new ProtocolError(410, text, message);
export const tooLarge = (text: string, message: string, details?: Record<string, unknown>) => new ProtocolError(413, text, message, details);

export function rateLimited(text: string, retryAfterMs: number, message: string): ProtocolError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new ProtocolError(429, text, message, { retry_after: seconds }, seconds);
}
