/**
 * config.sample.yaml is the admin's reference: it must list every key of the schema, with a
 * comment, set to its default, and nothing the schema does not know.
 */
import { describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isMap, isScalar, LineCounter, parseDocument, type YAMLMap } from "yaml";
import { parseConfig } from "../../../src/config/load.js";
import { ConfigSchema } from "../../../src/config/schema.js";
import { isRecord, leafPaths, objectKeys, schemaAt } from "../../../src/config/schema-walk.js";
import { MINIMAL_YAML } from "./helpers.js";

const SAMPLE_PATH = fileURLToPath(new URL("../../../config.sample.yaml", import.meta.url));
const sampleText = readFileSync(SAMPLE_PATH, "utf8");

interface SampleKey {
  path: string[];
  line: number;
}

/**
 * Every key of the sample down to the schema's leaves, with its line. Keys inside a free-form
 * mapping (the permission subjects) are examples, not schema keys, so the walk stops there.
 */
function sampleKeys(): SampleKey[] {
  const lineCounter = new LineCounter();
  const document = parseDocument(sampleText, { lineCounter });
  const keys: SampleKey[] = [];
  const walk = (map: YAMLMap, prefix: string[]): void => {
    for (const pair of map.items) {
      if (!isScalar(pair.key)) throw new Error(`non-scalar key under ${prefix.join(".")}`);
      const path = [...prefix, String(pair.key.value)];
      keys.push({ path, line: lineCounter.linePos(pair.key.range![0]).line });
      const schema = schemaAt(ConfigSchema, path);
      if (isMap(pair.value) && !(schema && isRecord(schema))) walk(pair.value, path);
    }
  };
  if (!isMap(document.contents)) throw new Error("the sample is not a mapping");
  walk(document.contents, []);
  return keys;
}

const dotted = (path: readonly string[]): string => path.join(".");

describe("config.sample.yaml", () => {
  it("is a valid configuration", () => {
    expect(() => parseConfig(sampleText, { source: SAMPLE_PATH })).not.toThrow();
  });

  it("documents every key of the schema", () => {
    const documented = new Set(sampleKeys().map((key) => dotted(key.path)));
    const undocumented = leafPaths(ConfigSchema)
      .map(dotted)
      .filter((path) => !documented.has(path));
    expect(undocumented).toEqual([]);
  });

  it("contains no key the schema does not have", () => {
    const unknown = sampleKeys()
      .map((key) => key.path)
      .filter((path) => schemaAt(ConfigSchema, path) === undefined)
      .map(dotted);
    expect(unknown).toEqual([]);
  });

  it("explains every key in a comment directly above it", () => {
    const lines = sampleText.split("\n");
    const uncommented = sampleKeys()
      .filter(({ line }) => !/^\s*#/.test(lines[line - 2] ?? ""))
      .map((key) => dotted(key.path));
    expect(uncommented).toEqual([]);
  });

  it("sets every key to its default value", () => {
    // Apart from the two required keys (which the minimal config sets to the same sample
    // values) and the permissions, which show an example of each kind of subject.
    const sample = parseConfig(sampleText, { source: SAMPLE_PATH });
    const defaults = parseConfig(MINIMAL_YAML, { source: "minimal.yaml" });
    expect({ ...sample, permissions: undefined }).toEqual({ ...defaults, permissions: undefined });
  });

  it("gives an example of every kind of permission subject", () => {
    const sample = parseConfig(sampleText, { source: SAMPLE_PATH });
    expect(sample.permissions).toEqual({
      "*": "relay",
      "example.org": "user",
      "@admin:example.org": "admin",
    });
  });

  it("lists the sections in the schema's order", () => {
    const topLevel = sampleKeys()
      .filter((key) => key.path.length === 1)
      .map((key) => key.path[0]);
    expect(topLevel).toEqual(objectKeys(ConfigSchema));
  });
});
