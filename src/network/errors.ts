/**
 * How connectors report failures, with stable codes the core turns into a notice or a retry.
 * Anything else a connector throws counts as `transient`.
 */
export type NetworkErrorCode =
  /** The network cannot do this at all (an unsupported message kind). */
  | "unsupported"
  /** Text or file over the network's limit. */
  | "too_large"
  /** Past the edit or delete window, or over the edit count. */
  | "window_expired"
  /** The account may not do this (not the sender, not an admin). */
  | "forbidden"
  /** The target message, chat or person does not exist (or no longer does). */
  | "not_found"
  /** Slow down: try again after `retryAfterMs`. */
  | "rate_limited"
  /** The session is gone: the user must log in again. */
  | "logged_out"
  /** Worth retrying as it is: a dropped connection, a 5xx. */
  | "transient"
  /** The request itself was wrong; retrying changes nothing. */
  | "invalid";

export class NetworkError extends Error {
  override readonly name = "NetworkError";

  constructor(
    readonly code: NetworkErrorCode,
    message: string,
    readonly options: { retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
  }

  get retryAfterMs(): number | undefined {
    return this.options.retryAfterMs;
  }
}

/** Whether retrying the same call later may succeed. */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof NetworkError)) return true;
  return error.code === "transient" || error.code === "rate_limited";
}
