/**
 * Instagram's refusals as the core's NetworkError codes (see common/errors.ts for the rules).
 * The stable `error_type` matters here: an expired edit window is a 400, a too-long text too.
 * `feedback_required` is a 429 the client library deliberately does not retry; it becomes
 * `rate_limited` with a wait, so the core waits.
 */
import { NetworkError } from "../../network/index.js";
import { RealtimeSendInterrupted } from "../../simnet/instagram/client/realtime.js";
import { errorMapper } from "../common/errors.js";

/** Default wait when a 429 names none: Instagram's buckets refill one send every two seconds. */
const DEFAULT_RETRY_AFTER_MS = 2000;

export const { codeFor, toNetworkError, mapErrors } = errorMapper({
  network: "Instagram",
  loggedOut: ["login_required"],
  tooLarge: ["text_too_long", "media_too_large", "caption_too_long", "payload_too_large"],
  windowExpired: ["edit_window_expired", "story_expired"],
  retryAfterMs: (error) => (error.retryAfter !== undefined && Number.isFinite(error.retryAfter) ? error.retryAfter * 1000 : DEFAULT_RETRY_AFTER_MS),
  special: (error) => (error instanceof RealtimeSendInterrupted ? new NetworkError("transient", `the send was interrupted: ${error.message}`, { cause: error }) : undefined),
});
