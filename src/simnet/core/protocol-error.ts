/**
 * A request or frame the server refuses. Each network renders it in its own error format; the
 * code is stable so clients and tests can act on it.
 */
export class ProtocolError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra fields for the network's error body (e.g. Instagram's `feedback_required`). */
    readonly details: Record<string, unknown> = {},
    /** Seconds to put in a Retry-After header (429 and 503 answers). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = "ProtocolError";
  }
}

export const badRequest = (code: string, message: string, details?: Record<string, unknown>) =>
  new ProtocolError(400, code, message, details);
export const unauthorized = (message = "missing or invalid access token") =>
  new ProtocolError(401, "unauthorized", message);
