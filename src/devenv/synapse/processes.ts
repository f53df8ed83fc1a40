/** Child-process helpers: running a short command, waiting for an exit, keeping output tails. */
import { spawn, type ChildProcess } from "node:child_process";

const TAIL_LINES = 40;

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, collecting its output (used for short-lived helpers only). */
export function runCommand(command: string, args: string[]): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/**
 * Whether the child exits within `ms`. The timer is cleared as soon as it does, so a stopped
 * Synapse leaves nothing behind that would keep the calling process (e.g. jest) alive.
 */
export function exitedWithin(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      child.off("exit", onExit);
      resolve(false);
    }, ms);
    child.once("exit", onExit);
  });
}

export function tail(text: string, lines = TAIL_LINES): string {
  const all = text.split("\n");
  while (all.length > 0 && all[all.length - 1] === "") all.pop();
  return all.slice(-lines).join("\n");
}

/** Keeps the end of a child's output without growing without bound. */
export class OutputTail {
  private text = "";
  append(chunk: string): void {
    this.text = (this.text + chunk).slice(-64 * 1024);
  }
  toString(): string {
    return tail(this.text);
  }
}
