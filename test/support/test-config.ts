/**
 * The bridge config the integration tests run with. The global setup builds the appservice
 * registration it hands to Synapse from a base config that it publishes in
 * CROSSCHAT_TEST_BASE_CONFIG, and every test's config starts from that base, so the namespaces
 * Synapse routes and the ones the daemon checks at start-up always agree.
 */
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { ConfigSchema, LOG_LEVELS, type Config } from "../../src/config/schema.js";

export type ConfigInput = z.input<typeof ConfigSchema>;

/** Every key optional, at every depth. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: integration tests need the Synapse started by test/support/synapse-global-setup.mjs ` +
        "(run them through jest's integration project)",
    );
  }
  return value;
}

function logLevel(): (typeof LOG_LEVELS)[number] {
  const wanted = process.env["CROSSCHAT_TEST_LOG_LEVEL"] ?? "warn";
  const level = LOG_LEVELS.find((l) => l === wanted);
  if (!level) throw new Error(`CROSSCHAT_TEST_LOG_LEVEL=${wanted}: expected one of ${LOG_LEVELS.join(", ")}`);
  return level;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Objects merge key by key; anything else (arrays included) in `override` replaces `base`. */
function deepMerge(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = deepMerge(base[key], value);
  return merged;
}

/**
 * A validated config pointing at the test Synapse, with its own fresh database file.
 * `overrides` are merged in before validation, so defaults and checks still apply.
 */
export function testConfig(overrides: DeepPartial<ConfigInput> = {}): Config {
  const base = JSON.parse(requiredEnv("CROSSCHAT_TEST_BASE_CONFIG")) as ConfigInput;
  const databaseDir = mkdtempSync(join(requiredEnv("CROSSCHAT_TEST_TMP"), "db-"));
  const input = deepMerge(
    { ...base, database: { path: join(databaseDir, "crosschat.db") }, logging: { level: logLevel() } },
    overrides,
  );
  return ConfigSchema.parse(input);
}
