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

/** Something long-running the CLI stops on a signal: the daemon, the simulated networks. */
export interface Stoppable {
  stop(): Promise<void>;
  /** Says that shutdown has begun, in the service's own log. */
  announce(message: string): void;
}

/**
 * The first SIGINT/SIGTERM stops the service cleanly and resolves; a second one, for when clean
 * shutdown hangs, exits at once.
 */
export function stopServiceOnSignal(service: Stoppable, host: SignalHost = processHost): Promise<void> {
  return new Promise((resolve, reject) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) {
        host.warn(`crosschat: ${signal} again, exiting without finishing`);
        host.exit(EXIT.forced);
        return;
      }
      received = true;
      service.announce(`Received ${signal}, shutting down (send it again to force)`);
      service.stop().then(resolve, reject);
    };
    host.on("SIGINT", onSignal);
    host.on("SIGTERM", onSignal);
  });
}

/** The daemon's shutdown: stop the app, then flush its logs. */
export function stopOnSignal(app: App, host: SignalHost = processHost): Promise<void> {
  return stopServiceOnSignal(
    { stop: () => app.stop().then(() => app.logging.close()), announce: (message) => app.logging.root.info(message) },
    host,
  );
}
