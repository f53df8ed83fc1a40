/**
 * Environment overrides. Every leaf key of the schema can be set from the environment:
 *
 *   CROSSCHAT_<PATH>       the value itself, read as a YAML scalar ("8009" is a number,
 *                          "true" a boolean, "'8009'" the string 8009)
 *   CROSSCHAT_<PATH>_FILE  the name of a file whose trimmed content is the value: this is how
 *                          Docker and Kubernetes secrets reach the bridge without being written
 *                          into the YAML file
 *
 * where PATH is the key path upper-cased and joined with "_", e.g. CROSSCHAT_HOMESERVER_URL for
 * homeserver.url. The `permissions` mapping is left to the file: its keys are user ids and
 * server names, which do not fit in a variable name.
 *
 * An empty variable counts as unset, because `environment: [CROSSCHAT_X=${X}]` in a compose
 * file produces an empty value whenever X is not defined.
 */
import { readFileSync } from "node:fs";
import { isScalar, parseDocument } from "yaml";
import { type ConfigProblem, describeFileError, formatPath } from "./errors.js";
import { ConfigSchema } from "./schema.js";
import { isRecord, type KeyPath, leafKind, leafPaths, schemaAt } from "./schema-walk.js";

export const ENV_PREFIX = "CROSSCHAT_";
export const ENV_FILE_SUFFIX = "_FILE";

/** Where a value that replaced (or added to) the file's content came from. */
export interface EnvironmentOrigin {
  path: KeyPath;
  /** The variable that was read: CROSSCHAT_X, or CROSSCHAT_X_FILE for a value read from a file. */
  variable: string;
  /** True when the value is a file's content: it may be a secret, so it is never echoed. */
  fromFile: boolean;
}

export interface EnvironmentOverrides {
  /** The document with the overrides applied; the input is not modified. */
  document: unknown;
  origins: EnvironmentOrigin[];
  problems: ConfigProblem[];
}

let cachedNames: Map<string, string[]> | undefined;

/** Every supported variable name (without the _FILE form) and the key path it sets. */
export function environmentVariableNames(): Map<string, string[]> {
  if (!cachedNames) {
    const names = new Map<string, string[]>();
    for (const path of leafPaths(ConfigSchema)) {
      const leaf = schemaAt(ConfigSchema, path);
      if (leaf === undefined || isRecord(leaf)) continue;
      const name = variableName(path);
      const taken = names.get(name);
      if (taken) {
        // Would make one variable set two keys; a schema change must rename one of them.
        throw new Error(`${name} would set both ${formatPath(taken)} and ${formatPath(path)}`);
      }
      names.set(name, path);
    }
    cachedNames = names;
  }
  return new Map([...cachedNames].map(([name, path]) => [name, [...path]]));
}

export function variableName(path: KeyPath): string {
  return ENV_PREFIX + path.map((segment) => segment.toUpperCase()).join("_");
}

/** Applies the CROSSCHAT_* variables found in `env` on top of the parsed YAML document. */
export function applyEnvironment(document: unknown, env: NodeJS.ProcessEnv): EnvironmentOverrides {
  // An empty file parses to null; overrides alone may still make a complete configuration.
  const result: unknown = document === null || document === undefined ? {} : structuredClone(document);
  const origins: EnvironmentOrigin[] = [];
  const problems: ConfigProblem[] = [];

  for (const [name, path] of environmentVariableNames()) {
    const fileName = name + ENV_FILE_SUFFIX;
    const direct = nonEmpty(env[name]);
    const fromFile = nonEmpty(env[fileName]);
    if (direct === undefined && fromFile === undefined) continue;

    if (direct !== undefined && fromFile !== undefined) {
      problems.push({
        path: formatPath(path),
        kind: "environment",
        variable: name,
        expected: `only one of ${name} and ${fileName}`,
        found: "both",
        message: `set by both ${name} and ${fileName}; remove one of them`,
      });
      continue;
    }

    let value: unknown;
    if (direct !== undefined) {
      value = parseScalar(direct);
    } else {
      const file = fromFile as string;
      let content: string;
      try {
        content = readFileSync(file, "utf8").trim();
      } catch (error) {
        problems.push({
          path: formatPath(path),
          kind: "environment",
          variable: fileName,
          expected: "a readable file",
          found: "nothing",
          message: `cannot read ${file}, named by environment variable ${fileName}: ${describeFileError(error)}`,
        });
        continue;
      }
      // A secret such as "0123" must stay a string; only keys that hold numbers or booleans
      // get their file content read as YAML.
      const kind = leafKind(schemaAt(ConfigSchema, path)!);
      value = kind === "number" || kind === "boolean" ? parseScalar(content) : content;
    }

    if (setAt(result, path, value)) {
      origins.push({ path, variable: direct !== undefined ? name : fileName, fromFile: direct === undefined });
    }
  }
  return { document: result, origins, problems };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/**
 * Reads a variable's value as a YAML scalar. Anything YAML would read as something else (a
 * list, a mapping, an alias such as "*", or an error like "@alice:example.org") is kept as the
 * plain string the admin typed.
 */
function parseScalar(text: string): unknown {
  const document = parseDocument(text);
  if (document.errors.length === 0 && isScalar(document.contents)) return document.contents.value;
  return text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Sets `value` at `path`, creating absent mappings on the way. Returns false when the file has
 * something other than a mapping in the way: that is reported by validation, and overwriting it
 * would hide the mistake.
 */
function setAt(root: unknown, path: KeyPath, value: unknown): boolean {
  if (!isPlainObject(root)) return false;
  let node: Record<string, unknown> = root;
  for (const segment of path.slice(0, -1)) {
    if (node[segment] === undefined) node[segment] = {};
    const next = node[segment];
    if (!isPlainObject(next)) return false;
    node = next;
  }
  node[path[path.length - 1]!] = value;
  return true;
}
