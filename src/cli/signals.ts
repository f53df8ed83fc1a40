import type { App } from "../app.js";
import { EXIT } from "./failures.js";

/** Where signals come from and how the process ends; the real process unless a test says otherwise. */
export interface SignalHost {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  exit(code: number): void;
  warn(line: string): void;
}

const processHost: SignalHost = {
  on: (signal, listener) => process.on(signal, listener),
  exit: (code) => process.exit(code),
  warn: (line) => process.stderr.write(`${line}\n`),
};

/**
 * The first SIGINT/SIGTERM stops the daemon cleanly and resolves; a second one, for when clean
 * shutdown hangs, exits at once.
 */
export function stopOnSignal(app: App, host: SignalHost = processHost): Promise<void> {
  return new Promise((resolve, reject) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) {
        host.warn(`crosschat: ${signal} again, exiting without finishing`);
        host.exit(EXIT.forced);
        return;
      }
      received = true;
      app.logging.root.info(`Received ${signal}, shutting down (send it again to force)`);
      app
        .stop()
        .then(() => app.logging.close())
        .then(resolve, reject);
    };
    host.on("SIGINT", onSignal);
    host.on("SIGTERM", onSignal);
  });
}
