import { afterAll, expect } from "@jest/globals";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, type ConfigProblem } from "../../../src/config/errors.js";
import { parseConfig } from "../../../src/config/load.js";

/** The two required keys, and nothing else. */
export const MINIMAL_YAML = `homeserver:
  url: http://127.0.0.1:8008
  domain: example.org
`;

/** Parses text that must be rejected and returns the ConfigError. */
export function rejection(text: string, env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    parseConfig(text, { source: "config.yaml", env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected the configuration to be rejected");
}

export function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): ConfigProblem[] {
  return rejection(text, env).problems;
}

/** MINIMAL_YAML plus more top-level YAML. */
export function withMinimal(extra: string): string {
  return MINIMAL_YAML + extra;
}

const scratchDirs: string[] = [];
// Jest loads this module once per test file, so this runs after each file that uses it.
afterAll(() => {
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes a file in a directory that is removed after the test file has run. */
export function scratchFile(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), "crosschat-config-test-"));
  scratchDirs.push(dir);
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}
