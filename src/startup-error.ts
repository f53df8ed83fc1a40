/**
 * Why the daemon refused to start, in a sentence that says what to fix. The code is stable so
 * scripts and tests can tell the reasons apart.
 */
export type StartupErrorCode = "REGISTRATION_MISMATCH" | "HOMESERVER_UNREACHABLE" | "REGISTRATION_NOT_LOADED";

export class StartupError extends Error {
  constructor(
    readonly code: StartupErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "StartupError";
  }
}
