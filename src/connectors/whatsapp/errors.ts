/** WhatsApp's refusals as the core's NetworkError codes (see common/errors.ts for the rules). */
import { NetworkError } from "../../network/index.js";
import { DecryptError } from "../../simnet/whatsapp/client/crypto.js";
import { errorMapper, retryAfterFrom } from "../common/errors.js";

export const { codeFor, toNetworkError, mapErrors } = errorMapper({
  network: "WhatsApp",
  tooLarge: ["text_too_long"],
  windowExpired: ["edit_window_expired", "revoke_window_expired"],
  retryAfterMs: (error) => retryAfterFrom(error, "retry_after"),
  // Nothing retrying fixes: the file or message does not decrypt to what it claims to be.
  special: (error) => (error instanceof DecryptError ? new NetworkError("invalid", `WhatsApp content could not be decrypted: ${error.message}`, { cause: error }) : undefined),
});
