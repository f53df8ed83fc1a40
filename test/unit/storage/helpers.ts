import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import winston from "winston";

export interface LogRecord {
  level: string;
  message: string;
  [key: string]: unknown;
}

/** A logger that keeps what it is given, so tests can assert on log lines. */
export function capturingLogger(): { logger: winston.Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const stream = new PassThrough({ objectMode: true });
  stream.on("data", (record: LogRecord) => records.push(record));
  const logger = winston.createLogger({
    level: "debug",
    transports: [new winston.transports.Stream({ stream })],
  });
  return { logger, records };
}

export const silentLogger = (): winston.Logger => winston.createLogger({ silent: true });

export function makeTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "crosschat-storage-"));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
