import { describe, expect, it } from "@jest/globals";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { Logger as LibraryLogger } from "matrix-appservice-bridge";
import { createLogging, type Logging, type LoggingOptions } from "../../../src/logging/logger.js";
import { routeLibraryLogs } from "../../../src/logging/library-logs.js";

function capture(options: Partial<LoggingOptions> = {}): { logging: Logging; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  const logging = createLogging({ level: "debug", format: "json", ...options, stream });
  return { logging, lines };
}

describe("logging", () => {
  it("writes one JSON object per line with level, module, context and timestamp", () => {
    const { logging, lines } = capture();
    logging.forModule("core.portal", { network: "whatsapp", portal: "1555@g.us" }).info("Portal created", { members: 3 });
    const entry = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(entry).toMatchObject({
      level: "info",
      message: "Portal created",
      module: "core.portal",
      network: "whatsapp",
      portal: "1555@g.us",
      members: 3,
    });
    expect(typeof entry["timestamp"]).toBe("string");
  });

  it("writes pretty lines with the module and its context in brackets", () => {
    const { logging, lines } = capture({ format: "pretty" });
    logging.forModule("connector", { network: "messenger", login: "100042" }).warn("Reconnecting", { attempt: 2 });
    expect(lines[0]).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} warn \[connector network=messenger login=100042\] Reconnecting \{ attempt: 2 \}$/,
    );
  });

  it("drops messages below the configured level", () => {
    const { logging, lines } = capture({ level: "warn" });
    logging.root.info("not shown");
    logging.root.debug("not shown either");
    logging.root.warn("shown");
    expect(lines).toHaveLength(1);
  });

  it("never writes a registered secret, a secret-named field or an access token", () => {
    const { logging, lines } = capture();
    logging.secrets.add("as_token_0123456789abcdef");
    const log = logging.forModule("test");
    log.info("Sending with as_token_0123456789abcdef");
    log.info("Login", { password: "correct horse battery", pairing_code: "K7Q2-M9XD" });
    log.error("Request failed", { error: new Error("GET /x?access_token=as_token_0123456789abcdef failed") });
    const output = lines.join("\n");
    expect(output).not.toContain("as_token_0123456789abcdef");
    expect(output).not.toContain("correct horse battery");
    expect(output).not.toContain("K7Q2-M9XD");
    expect(lines).toHaveLength(3);
  });

  it("keeps an error's message and stack in the entry", () => {
    const { logging, lines } = capture();
    logging.root.error("Handler failed", { error: new Error("boom") });
    const entry = JSON.parse(lines[0] as string) as { error: { message?: string; stack?: string } };
    expect(JSON.stringify(entry)).toContain("boom");
  });

  it("also writes JSON lines to the configured file", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "crosschat-log-")), "bridge.log");
    const { logging } = capture({ format: "pretty", file });
    logging.forModule("app").info("to the file");
    await logging.close();
    const entry = JSON.parse(readFileSync(file, "utf8").trim()) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: "info", module: "app", message: "to the file" });
  });

  it("routes matrix-appservice-bridge's own logs into the same stream, redacted", async () => {
    const { logging, lines } = capture();
    routeLibraryLogs(logging.forModule("lib"));
    new LibraryLogger("Intent").info("PUT /send?access_token=syt_secret_value done");
    // The library's logger is a stream piped into ours: the entry arrives on a later tick.
    await new Promise((resolve) => setImmediate(resolve));
    const entry = JSON.parse(lines.at(-1) as string) as Record<string, unknown>;
    expect(entry["module"]).toBe("lib.Intent");
    expect(entry["message"]).toBe("PUT /send?access_token=<redacted> done");
  });
});
