/** Messenger's refusals as the core's NetworkError codes (see common/errors.ts for the rules). */
import { errorMapper, retryAfterFrom } from "../common/errors.js";

export const { codeFor, toNetworkError, mapErrors } = errorMapper({
  network: "Messenger",
  tooLarge: ["text_too_long", "media_too_large", "payload_too_large"],
  // A 409: past 15 minutes, or past the fifth edit.
  windowExpired: ["edit_window_expired", "edit_limit_reached"],
  notFound: ["message_unsent", "thread_not_found", "user_not_found", "message_not_found", "reply_not_found"],
  retryAfterMs: (error) => retryAfterFrom(error, "retry_after_seconds"),
});
