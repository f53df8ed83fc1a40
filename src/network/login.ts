/**
 * Logging in as a sequence of steps, so one flow can be driven by bot commands in a management
 * room and, later, by an HTTP provisioning API. A flow answers every call with the next step:
 *
 *   input   ask the user for one or more values, then call `submit` with them;
 *   display show the user something (a pairing code) and call `wait`, which resolves when the
 *           network confirms or the code expires;
 *   done    the account is logged in: store `login`;
 *   failed  the flow is over; `reason` is for the user.
 *
 * A flow may be cancelled at any step. Flows never throw for the user's mistakes (a wrong code,
 * an unknown number): they answer with an `input` step that says what was wrong, or `failed`.
 */
import type { RemoteUserId } from "./ids.js";

export interface InputField {
  id: string;
  /** How to ask for it, e.g. "your phone number in international format". */
  label: string;
  /** Passwords and codes: the bot redacts the message that carried it once read. */
  secret?: boolean;
}

export type LoginStep =
  | { type: "input"; fields: InputField[]; instructions: string; error?: string }
  | { type: "display"; code: string; instructions: string; expiresAt: number }
  | { type: "done"; login: NewLogin }
  | { type: "failed"; reason: string };

/** A freshly logged-in account, to be stored by the core and handed back to `connect` later. */
export interface NewLogin {
  remoteUserId: RemoteUserId;
  /** The account's own name, shown in `list-logins`. */
  remoteName: string;
  /** Everything the connector needs to act as this account again. Secret: never logged. */
  session: Record<string, unknown>;
}

export interface LoginFlow {
  start(): Promise<LoginStep>;
  submit(values: Record<string, string>): Promise<LoginStep>;
  wait(signal?: AbortSignal): Promise<LoginStep>;
  cancel(): Promise<void>;
}
