/** The built `crosschat` command in a child process, as a user runs it. `npm test` builds dist/ first. */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../src/version.js";

export const CLI = join(PACKAGE_ROOT, "dist", "cli", "main.js");

export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function requireBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'npm run build' (npm test does it first)`);
}

/** Starts the CLI and leaves it running; the caller stops it. */
export function spawnCli(args: string[], options: SpawnOptions = {}): ChildProcess {
  requireBuilt();
  return spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"], ...options });
}

/**
 * Runs the CLI to the end. `answer` is called with each chunk of stderr (where prompts go) and
 * may return a line to type in.
 */
export function runCli(args: string[], answer?: (stderr: string) => Promise<string | undefined>): Promise<Outcome> {
  const child = spawnCli(args, { stdio: [answer ? "pipe" : "ignore", "pipe", "pipe"] });
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString();
      void answer?.(d.toString()).then((line) => {
        if (line !== undefined) child.stdin!.write(`${line}\n`);
      });
    });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
