/**
 * Instagram's error body: `{ message, status: "fail", error_type }` plus whatever fields the
 * particular refusal carries (`invalid_credentials`, `challenge`, `spam`...). A missing or
 * revoked token is Instagram's `login_required`; a rate limit is its `feedback_required` body,
 * which has no error_type at all.
 */
import { ProtocolError } from "../core/protocol-error.js";
import { ERRORS } from "./protocol.js";

export function renderInstagramError(error: ProtocolError): unknown {
  if (error.code === "unauthorized") {
    return { message: ERRORS.loginRequired, error_title: error.message, logout_reason: 2, status: "fail", error_type: ERRORS.loginRequired };
  }
  if (error.code === ERRORS.feedbackRequired) return { message: ERRORS.feedbackRequired, ...error.details, status: "fail" };
  return { message: error.message, ...error.details, status: "fail", error_type: error.code };
}

export const notFound = (code: string, message: string) => new ProtocolError(404, code, message);
export const forbidden = (code: string, message: string) => new ProtocolError(403, code, message);
