/** Reads Messenger's error body into the code and message a SimnetRequestError carries. */
import type { ErrorReader } from "../../client/http.js";

export const readMessengerError: ErrorReader = (body) => {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (error && typeof error.code === "string") {
    return { code: error.code, message: typeof error.message === "string" ? error.message : error.code };
  }
  return { code: "unknown_error", message: typeof body === "string" && body.length > 0 ? body.slice(0, 200) : "the server refused the request" };
};
