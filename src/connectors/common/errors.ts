/**
 * A network's refusals as the core's NetworkError codes, the same way for every connector: the
 * network's own stable error codes decide where the HTTP status alone is ambiguous (a 403 may be
 * a closed window or a missing right, a 409 an edit limit or a conflict), then the status does.
 * The network's own sentence is kept in the message, so a notice in Matrix says what it said.
 */
import { NetworkError, type NetworkErrorCode } from "../../network/index.js";
import { SimnetRequestError } from "../../simnet/client/http.js";

export interface ErrorVocabulary {
  /** The network's name, for messages: "WhatsApp". */
  network: string;
  /** Error codes that mean each thing whatever the status says. */
  loggedOut?: readonly string[];
  tooLarge?: readonly string[];
  windowExpired?: readonly string[];
  notFound?: readonly string[];
  /** How long a 429 asks to wait, in ms. */
  retryAfterMs(error: SimnetRequestError): number | undefined;
  /** Errors of the network's own client library that are not requests, if any need a code. */
  special?(error: unknown): NetworkError | undefined;
}

export interface ErrorMapper {
  codeFor(status: number, code: string): NetworkErrorCode;
  toNetworkError(error: unknown): NetworkError;
  /** Runs a call to the network, turning whatever it throws into a NetworkError. */
  mapErrors<T>(call: () => Promise<T>): Promise<T>;
}

export function errorMapper(vocabulary: ErrorVocabulary): ErrorMapper {
  const has = (list: readonly string[] | undefined, code: string) => list?.includes(code) === true;
  const codeFor = (status: number, code: string): NetworkErrorCode => {
    if (has(vocabulary.loggedOut, code) || status === 401) return "logged_out";
    if (has(vocabulary.tooLarge, code) || status === 413) return "too_large";
    if (has(vocabulary.windowExpired, code)) return "window_expired";
    if (has(vocabulary.notFound, code)) return "not_found";
    if (status === 403) return "forbidden";
    // 410: deleted, expired or already used: nothing to act on.
    if (status === 404 || status === 410) return "not_found";
    if (status === 429) return "rate_limited";
    if (status >= 500) return "transient";
    // 400, and conflicts that are not about time: retrying changes nothing.
    return "invalid";
  };
  const toNetworkError = (error: unknown): NetworkError => {
    if (error instanceof NetworkError) return error;
    if (error instanceof SimnetRequestError) {
      const code = codeFor(error.status, error.code);
      const retryAfterMs = code === "rate_limited" ? vocabulary.retryAfterMs(error) : undefined;
      return new NetworkError(code, `${vocabulary.network} refused: ${error.message} (${error.status} ${error.code})`, {
        cause: error,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      });
    }
    const special = vocabulary.special?.(error);
    if (special) return special;
    // Dropped connections (ECONNRESET, timeouts, a realtime socket that closed mid-request).
    const message = error instanceof Error ? error.message : String(error);
    return new NetworkError("transient", `${vocabulary.network} could not be reached: ${message}`, { cause: error });
  };
  return {
    codeFor,
    toNetworkError,
    async mapErrors(call) {
      try {
        return await call();
      } catch (error) {
        throw toNetworkError(error);
      }
    },
  };
}

/** Seconds from the Retry-After header, else from `field` in the error body, as ms. */
export function retryAfterFrom(error: SimnetRequestError, field: string): number | undefined {
  const seconds = error.retryAfter ?? (error.body as { error?: Record<string, unknown> } | undefined)?.error?.[field];
  return typeof seconds === "number" && Number.isFinite(seconds) ? seconds * 1000 : undefined;
}
