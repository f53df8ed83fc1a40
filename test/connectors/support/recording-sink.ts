/**
 * A RemoteEventSink for connector tests: records what a connector hands to the core (events,
 * connection changes, logouts, logs), and can be told to refuse events to test redelivery.
 */
import type { ConnectionState, ConnectorLogger, RemoteEvent, RemoteEventSink } from "../../../src/network/index.js";

export interface LogEntry {
  level: keyof ConnectorLogger;
  message: string;
  meta?: Record<string, unknown>;
}

/** What the connector hands to the core, recorded; `handle` can be made to fail. */
export class RecordingSink implements RemoteEventSink {
  readonly events: RemoteEvent[] = [];
  readonly states: { state: ConnectionState; detail?: string }[] = [];
  readonly loggedOutReasons: string[] = [];
  readonly logs: LogEntry[] = [];
  /** Called before an event is recorded; throwing (or rejecting) refuses it. */
  gate: (event: RemoteEvent) => void | Promise<void> = () => {};
  private readonly waiters = new Set<() => void>();

  readonly logger: ConnectorLogger = {
    debug: (message, meta) => this.log("debug", message, meta),
    info: (message, meta) => this.log("info", message, meta),
    warn: (message, meta) => this.log("warn", message, meta),
    error: (message, meta) => this.log("error", message, meta),
  };

  async handle(event: RemoteEvent): Promise<void> {
    await this.gate(event);
    this.events.push(event);
    this.wake();
  }

  connectionChanged(state: ConnectionState, detail?: string): void {
    this.states.push({ state, ...(detail !== undefined ? { detail } : {}) });
    this.wake();
  }

  loggedOut(reason: string): void {
    this.loggedOutReasons.push(reason);
    this.wake();
  }

  sessionChanged(): void {}

  /** The events of one type, as that type. */
  ofType<T extends RemoteEvent["type"]>(type: T): Extract<RemoteEvent, { type: T }>[] {
    return this.events.filter((event): event is Extract<RemoteEvent, { type: T }> => event.type === type);
  }

  /** Resolves with the first `count` events of `type` that match, once they have arrived. */
  async waitFor<T extends RemoteEvent["type"]>(type: T, count = 1, match: (event: Extract<RemoteEvent, { type: T }>) => boolean = () => true): Promise<Extract<RemoteEvent, { type: T }>[]> {
    await this.until(() => this.ofType(type).filter(match).length >= count, `${count} '${type}' events`);
    return this.ofType(type).filter(match).slice(0, count);
  }

  async until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    if (condition()) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`waited for ${what}; got events ${JSON.stringify(this.events.map((e) => e.type))}, states ${JSON.stringify(this.states)}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  private log(level: LogEntry["level"], message: string, meta?: Record<string, unknown>): void {
    this.logs.push({ level, message, ...(meta !== undefined ? { meta } : {}) });
    this.wake();
  }

  private wake(): void {
    for (const check of [...this.waiters]) check();
  }
}

/** A bridge session for a stored login, cleaned up after the test; not started. */
