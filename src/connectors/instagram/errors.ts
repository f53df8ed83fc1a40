/**
 * Instagram's refusals as the core's NetworkError codes. The stable `error_type` decides where
 * the status alone would be wrong (an expired edit window is a 400, a too-long text too), and the
 * server's own sentence is kept in the message. `feedback_required` is a 429 the client library
 * deliberately does not retry; it becomes `rate_limited` with Retry-After so the core waits.
 */
import { NetworkError, type NetworkErrorCode } from "../../network/index.js";
import { SimnetRequestError } from "../../simnet/client/http.js";
import { RealtimeSendInterrupted } from "../../simnet/instagram/client/realtime.js";

const TOO_LARGE = new Set(["text_too_long", "media_too_large", "caption_too_long", "payload_too_large"]);
const WINDOW_EXPIRED = new Set(["edit_window_expired", "story_expired"]);
const LOGGED_OUT = new Set(["login_required"]);

export function codeFor(status: number, code: string): NetworkErrorCode {
  if (LOGGED_OUT.has(code) || status === 401) return "logged_out";
  if (TOO_LARGE.has(code) || status === 413) return "too_large";
  if (WINDOW_EXPIRED.has(code)) return "window_expired";
  if (status === 403) return "forbidden";
  if (status === 404 || status === 410) return "not_found";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "transient";
  return "invalid";
}

/** Default wait when a 429 names none: Instagram's buckets refill one send every two seconds. */
const DEFAULT_RETRY_AFTER_MS = 2000;

export function toNetworkError(error: unknown): NetworkError {
  if (error instanceof NetworkError) return error;
  if (error instanceof SimnetRequestError) {
    const code = codeFor(error.status, error.code);
    const retryAfterMs = code === "rate_limited" ? (error.retryAfter !== undefined && Number.isFinite(error.retryAfter) ? error.retryAfter * 1000 : DEFAULT_RETRY_AFTER_MS) : undefined;
    return new NetworkError(code, `Instagram refused: ${error.message} (${error.status} ${error.code})`, {
      cause: error,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  if (error instanceof RealtimeSendInterrupted) return new NetworkError("transient", `the send was interrupted: ${error.message}`, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new NetworkError("transient", `Instagram could not be reached: ${message}`, { cause: error });
}

export async function mapErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toNetworkError(error);
  }
}
