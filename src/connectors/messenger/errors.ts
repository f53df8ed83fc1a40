/**
 * Messenger's refusals as the core's NetworkError codes. The server's stable error code decides
 * where the HTTP status alone is ambiguous (a 409 is a closed edit window, or a state conflict);
 * the server's own sentence is kept in the message.
 */
import { NetworkError, type NetworkErrorCode } from "../../network/index.js";
import { SimnetRequestError } from "../../simnet/client/http.js";

const WINDOW_EXPIRED = new Set(["edit_window_expired", "edit_limit_reached"]);
const TOO_LARGE = new Set(["text_too_long", "media_too_large", "payload_too_large"]);
const NOT_FOUND = new Set(["message_unsent", "thread_not_found", "user_not_found", "message_not_found", "reply_not_found"]);

export function codeFor(status: number, code: string): NetworkErrorCode {
  if (TOO_LARGE.has(code)) return "too_large";
  if (WINDOW_EXPIRED.has(code)) return "window_expired";
  if (NOT_FOUND.has(code)) return "not_found";
  if (status === 401) return "logged_out";
  if (status === 403) return "forbidden";
  if (status === 404 || status === 410) return "not_found";
  if (status === 413) return "too_large";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "transient";
  // 400, and 409s that are not about time (last admin, group full): retrying changes nothing.
  return "invalid";
}

export function toNetworkError(error: unknown): NetworkError {
  if (error instanceof NetworkError) return error;
  if (error instanceof SimnetRequestError) {
    const retryAfterMs = retryAfterOf(error);
    return new NetworkError(codeFor(error.status, error.code), `Messenger refused: ${error.message} (${error.status} ${error.code})`, {
      cause: error,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new NetworkError("transient", `Messenger could not be reached: ${message}`, { cause: error });
}

/** The wait a 429 asks for: the Retry-After header, else `retry_after_seconds` in the body. */
function retryAfterOf(error: SimnetRequestError): number | undefined {
  if (error.status !== 429) return undefined;
  const seconds = error.retryAfter ?? (error.body as { error?: { retry_after_seconds?: unknown } } | undefined)?.error?.retry_after_seconds;
  return typeof seconds === "number" && Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

export async function mapErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toNetworkError(error);
  }
}
