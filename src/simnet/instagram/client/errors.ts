/**
 * Instagram's error bodies turned into SimnetRequestError codes: the `error_type` where there is
 * one, otherwise the `message` (`feedback_required` has no error_type, nor do some of
 * Instagram's older answers), and the human text where the body has it.
 */
import type { ErrorReader } from "../../client/http.js";
import { SimnetRequestError } from "../../client/http.js";
import { ERRORS } from "../protocol.js";

export const readInstagramError: ErrorReader = (body) => {
  if (typeof body !== "object" || body === null) {
    return { code: "unknown_error", message: typeof body === "string" && body ? body.slice(0, 200) : "the server answered with an error" };
  }
  const fields = body as Record<string, unknown>;
  const text = (key: string) => (typeof fields[key] === "string" ? (fields[key] as string) : undefined);
  const code = text("error_type") ?? text("message") ?? "unknown_error";
  return { code, message: text("feedback_message") ?? text("error_title") ?? text("message") ?? code };
};

export const isInstagramError = (error: unknown, code: string): error is SimnetRequestError =>
  error instanceof SimnetRequestError && error.code === code;

/** The account was flagged for spam-like activity: retrying makes it worse, so nobody should. */
export const isFeedbackRequired = (error: unknown) => isInstagramError(error, ERRORS.feedbackRequired);
