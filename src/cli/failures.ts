/**
 * How the CLI reports a failure: one clear message on stderr and a documented exit code,
 * never a stack trace for a mistake the user can fix.
 */
import { ConfigError, formatConfigProblems } from "../config/errors.js";
import { RegistrationFileError } from "../matrix/registration-file.js";
import { SimnetRequestError } from "../simnet/client/http.js";
import { SimnetStartError } from "../simnet/run.js";
import { StartupError } from "../startup-error.js";
import { StorageError } from "../storage/index.js";

/** A mistake in how a command was used, told in one line. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export const EXIT = { ok: 0, failed: 1, invalidConfig: 2, forced: 130 } as const;

export function describeFailure(error: unknown): { message: string; exitCode: number } {
  if (error instanceof ConfigError) {
    const count = error.problems.length;
    const lines = formatConfigProblems(error).split("\n").map((line) => `  ${line}`).join("\n");
    return {
      message: `${error.source}: ${count} ${count === 1 ? "problem" : "problems"} in the configuration:\n${lines}`,
      exitCode: EXIT.invalidConfig,
    };
  }
  if (error instanceof RegistrationFileError) {
    return { message: `Registration problem in ${error.message}`, exitCode: EXIT.invalidConfig };
  }
  if (error instanceof SimnetRequestError) {
    return { message: `the server refused: ${error.message} (${error.code}, HTTP ${error.status})`, exitCode: EXIT.failed };
  }
  if (error instanceof StartupError || error instanceof StorageError || error instanceof UsageError || error instanceof SimnetStartError) {
    return { message: error.message, exitCode: EXIT.failed };
  }
  return { message: error instanceof Error ? (error.stack ?? error.message) : String(error), exitCode: EXIT.failed };
}

/** Runs a command body; any failure is printed and becomes the process exit code. */
export async function runCommand(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    const { message, exitCode } = describeFailure(error);
    process.stderr.write(`crosschat: ${message}\n`);
    process.exitCode = exitCode;
  }
}
