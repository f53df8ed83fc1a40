/** The two line formats: one a person reads in a terminal, one a log pipeline parses. */
import { inspect } from "node:util";
import winston from "winston";
import type { SecretRedactor } from "./secrets.js";

const { format } = winston;

// Fields that the pretty format shows in the prefix instead of as trailing metadata.
const CONTEXT_KEYS = ["network", "login", "portal", "room", "user"] as const;
const STRUCTURAL_KEYS = new Set(["level", "message", "timestamp", "module", "stack", ...CONTEXT_KEYS]);

/** Applied before either format, so no transport ever sees an unredacted value. */
export function redactFormat(redactor: SecretRedactor) {
  return format((info) => {
    for (const key of Object.keys(info)) {
      if (key === "level") continue;
      info[key] = redactor.redactField(key, info[key]);
    }
    return info;
  })();
}

/** Errors passed as metadata or as the message keep their stack and message. */
const errorsFormat = format.errors({ stack: true });

export function prettyFormat(colors: boolean) {
  return format.combine(
    errorsFormat,
    format.timestamp({ format: "YYYY-MM-DD HH:mm:ss.SSS" }),
    ...(colors ? [format.colorize({ level: true })] : []),
    format.printf((info) => {
      const context = CONTEXT_KEYS.filter((key) => info[key] !== undefined)
        .map((key) => `${key}=${String(info[key])}`)
        .join(" ");
      const scope = [info.module, context].filter(Boolean).join(" ");
      const extra = Object.fromEntries(Object.entries(info).filter(([key]) => !STRUCTURAL_KEYS.has(key)));
      const rest = Object.keys(extra).length > 0 ? ` ${inspect(extra, { breakLength: Infinity, depth: 4, colors })}` : "";
      const stack = typeof info.stack === "string" ? `\n${info.stack}` : "";
      return `${String(info.timestamp)} ${info.level} [${scope || "crosschat"}] ${String(info.message)}${rest}${stack}`;
    }),
  );
}

export function jsonFormat() {
  return format.combine(errorsFormat, format.timestamp(), format.json());
}
