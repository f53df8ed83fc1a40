/**
 * WhatsApp's refusals as the core's NetworkError codes. The server's stable error text decides
 * where the HTTP status alone is ambiguous (a 403 is a closed window or a missing right); the
 * server's own sentence is kept in the message, so a notice in Matrix says what WhatsApp said.
 */
import { NetworkError, type NetworkErrorCode } from "../../network/index.js";
import { SimnetRequestError } from "../../simnet/client/http.js";
import { DecryptError } from "../../simnet/whatsapp/client/crypto.js";

const WINDOW_EXPIRED = new Set(["edit_window_expired", "revoke_window_expired"]);

export function codeFor(status: number, text: string): NetworkErrorCode {
  if (text === "text_too_long") return "too_large";
  if (status === 401) return "logged_out";
  if (status === 403) return WINDOW_EXPIRED.has(text) ? "window_expired" : "forbidden";
  // 410 is a message deleted for everyone, or a code or pairing that is gone: nothing to act on.
  if (status === 404 || status === 410) return "not_found";
  if (status === 413) return "too_large";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "transient";
  return "invalid";
}

/** Any error from the client library as a NetworkError; a NetworkError passes through. */
export function toNetworkError(error: unknown): NetworkError {
  if (error instanceof NetworkError) return error;
  if (error instanceof SimnetRequestError) {
    const retryAfterMs = retryAfterOf(error);
    return new NetworkError(codeFor(error.status, error.code), `WhatsApp refused: ${error.message} (${error.status} ${error.code})`, {
      cause: error,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  // Nothing retrying fixes: the file or message does not decrypt to what it claims to be.
  if (error instanceof DecryptError) return new NetworkError("invalid", `WhatsApp content could not be decrypted: ${error.message}`, { cause: error });
  // Dropped connections (ECONNRESET, timeouts, a realtime socket that closed mid-request).
  const message = error instanceof Error ? error.message : String(error);
  return new NetworkError("transient", `WhatsApp could not be reached: ${message}`, { cause: error });
}

/** The wait a 429 asks for: the Retry-After header, else the `retry_after` in the error body. */
function retryAfterOf(error: SimnetRequestError): number | undefined {
  if (error.status !== 429) return undefined;
  const seconds = error.retryAfter ?? (error.body as { error?: { retry_after?: unknown } } | undefined)?.error?.retry_after;
  return typeof seconds === "number" && Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

/** Runs a call to WhatsApp, turning whatever it throws into a NetworkError. */
export async function mapErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toNetworkError(error);
  }
}
