import { describe, expect, it } from "@jest/globals";
import { EventEmitter } from "node:events";
import type { App } from "../../../src/app.js";
import { stopOnSignal, type SignalHost } from "../../../src/cli/signals.js";
import { createLogging } from "../../../src/logging/logger.js";
import { Writable } from "node:stream";

class FakeHost extends EventEmitter implements SignalHost {
  readonly exits: number[] = [];
  readonly warnings: string[] = [];
  exit(code: number) {
    this.exits.push(code);
  }
  warn(line: string) {
    this.warnings.push(line);
  }
}

function fakeApp(stop: () => Promise<void>): App & { stops: number } {
  const logging = createLogging({ level: "error", format: "json", stream: new Writable({ write: (_c, _e, done) => done() }) });
  const app = {
    botUserId: "@bot:example.org",
    logging,
    stops: 0,
    stop() {
      app.stops++;
      return stop();
    },
  };
  return app;
}

describe("shutting down on signals", () => {
  it.each(["SIGTERM", "SIGINT"] as const)("stops the app once on %s and resolves when it has stopped", async (signal) => {
    const host = new FakeHost();
    const app = fakeApp(async () => undefined);
    const done = stopOnSignal(app, host);
    host.emit(signal, signal);
    await done;
    expect(app.stops).toBe(1);
    expect(host.exits).toEqual([]);
  });

  it("exits at once with 130 on a second signal while the first shutdown still runs", () => {
    const host = new FakeHost();
    const app = fakeApp(() => new Promise<void>(() => undefined)); // a shutdown that hangs
    void stopOnSignal(app, host);
    host.emit("SIGINT", "SIGINT");
    host.emit("SIGINT", "SIGINT");
    expect(app.stops).toBe(1);
    expect(host.exits).toEqual([130]);
    expect(host.warnings).toEqual(["crosschat: SIGINT again, exiting without finishing"]);
  });

  it("reports a failed shutdown to the caller", async () => {
    const host = new FakeHost();
    const app = fakeApp(async () => {
      throw new Error("database is locked");
    });
    const done = stopOnSignal(app, host);
    host.emit("SIGTERM", "SIGTERM");
    await expect(done).rejects.toThrow("database is locked");
  });
});
