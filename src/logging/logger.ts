/**
 * The daemon's logging: one winston root logger per app, per-module child loggers carrying
 * context (network, login, portal), and a secret redactor shared by every line.
 */
import winston from "winston";
import type { Config } from "../config/schema.js";
import { jsonFormat, prettyFormat, redactFormat } from "./formats.js";
import { SecretRedactor } from "./secrets.js";

export type Logger = winston.Logger;
export type LoggingConfig = Config["logging"];

/** Context a module logger may carry; every key is shown in pretty lines and kept in JSON. */
export interface LogContext {
  network?: string;
  login?: string;
  portal?: string;
  room?: string;
  user?: string;
  [key: string]: unknown;
}

export interface Logging {
  root: Logger;
  secrets: SecretRedactor;
  /** A logger for one module, e.g. `forModule("matrix.bot")`, optionally with fixed context. */
  forModule(module: string, context?: LogContext): Logger;
  close(): Promise<void>;
}

export interface LoggingOptions extends LoggingConfig {
  /** Where console lines go; tests pass a stream to read them back. Defaults to stdout. */
  stream?: NodeJS.WritableStream;
}

export function createLogging(options: LoggingOptions): Logging {
  const secrets = new SecretRedactor();
  const stream = options.stream ?? process.stdout;
  const colors = options.format === "pretty" && !options.stream && process.stdout.isTTY === true;
  const transports: winston.transport[] = [
    new winston.transports.Stream({
      stream,
      format: options.format === "json" ? jsonFormat() : prettyFormat(colors),
    }),
  ];
  if (options.file) {
    // Files are read by tools more often than by eye, so they are always JSON lines.
    transports.push(new winston.transports.File({ filename: options.file, format: jsonFormat() }));
  }
  const root = winston.createLogger({
    level: options.level,
    format: redactFormat(secrets),
    transports,
    exitOnError: false,
  });
  return {
    root,
    secrets,
    forModule: (module, context = {}) => root.child({ module, ...context }),
    close: () => closeLogger(root),
  };
}

/** Resolves once every transport has flushed, so the last lines before exit are not lost. */
function closeLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    if (logger.transports.length === 0) return resolve();
    const timer = setTimeout(resolve, 2000);
    logger.on("finish", () => {
      clearTimeout(timer);
      resolve();
    });
    logger.end();
  });
}
