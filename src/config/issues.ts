/**
 * Turns zod's validation issues into ConfigProblems a self-hoster can act on: English instead of
 * issue codes, one problem per unknown key, the value that was actually found, and where it is
 * (a line of the file, or the environment variable it came from).
 */
import { z } from "zod";
import { type ConfigProblem, describeFound, formatPath } from "./errors.js";
import type { EnvironmentOrigin } from "./env.js";
import { describeExpected, objectKeys, schemaAt } from "./schema-walk.js";

type Path = readonly PropertyKey[];

export interface IssueContext {
  schema: z.core.$ZodType;
  /** The validated input: the YAML document with environment overrides applied. */
  input: unknown;
  /** The 1-based line of the key at `path`, or of its nearest ancestor present in the file. */
  lineOf(path: Path): number | undefined;
  origins: readonly EnvironmentOrigin[];
}

export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], context: IssueContext): ConfigProblem[] {
  const problems = issues.flatMap((issue) => problemsFromIssue(issue, context));
  // Two checks on one value can fail for one mistake (a too short string that also misses a
  // pattern); the admin needs to read that once.
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function problemsFromIssue(issue: z.core.$ZodIssue, context: IssueContext): ConfigProblem[] {
  const path = issue.path;
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = objectKeys(schemaAt(context.schema, path) ?? context.schema) ?? [];
      return issue.keys.map((key) => {
        const keyPath = [...path, key];
        return problem("unknown-key", keyPath, `one of: ${allowed.join(", ")}`, valueAt(context.input, keyPath), context);
      });
    }
    case "invalid_key": {
      // The key of a free-form mapping (a permissions subject) is itself the mistake.
      const inner = issue.issues[0];
      const expected = (inner && ownWords(inner.message)) ?? "a valid key";
      return [problem("invalid-key", path, expected, String(path[path.length - 1]), context)];
    }
    default: {
      const value = valueAt(context.input, path);
      if (value === undefined && issue.code === "invalid_type") {
        return [problem("missing", path, expectedFor(issue, context), undefined, context)];
      }
      // A rule across keys (such as overlapping namespaces) can point at a key the file leaves
      // to its default; show that default rather than "nothing".
      if (value === undefined) {
        return [problem("invalid", path, expectedFor(issue, context), defaultAt(path, context), context, " (the default)")];
      }
      return [problem("invalid", path, expectedFor(issue, context), value, context)];
    }
  }
}

/** Builds the problem and its message, placed at a line or attributed to a variable. */
function problem(
  kind: "unknown-key" | "missing" | "invalid" | "invalid-key",
  path: Path,
  expected: string,
  value: unknown,
  context: IssueContext,
  foundNote = "",
): ConfigProblem {
  const origin = context.origins.find((o) => startsWith(path, o.path));
  // A value read from a *_FILE variable may be a secret, and error messages end up in logs.
  const hidden = origin?.fromFile === true;
  const found = hidden ? "the file's content (not shown)" : describeFound(value) + foundNote;
  let message: string;
  switch (kind) {
    case "unknown-key":
      message = `unknown key (expected ${expected})`;
      break;
    case "missing":
      message = `missing (expected ${expected})`;
      break;
    case "invalid-key":
      message = `invalid key: expected ${expected}, found ${found}`;
      break;
    case "invalid":
      message = hidden ? `expected ${expected}` : `expected ${expected}, found ${found}`;
      break;
  }
  const base: ConfigProblem = {
    path: formatPath(path),
    kind: kind === "invalid-key" ? "invalid" : kind,
    expected,
    found,
    message,
  };
  if (origin) return { ...base, variable: origin.variable, message: `${message} (from environment variable ${origin.variable})` };
  const line = context.lineOf(path);
  return line === undefined ? base : { ...base, line };
}

function defaultAt(path: Path, context: IssueContext): unknown {
  const schema = schemaAt(context.schema, path);
  const parsed = schema ? z.safeParse(schema, undefined) : undefined;
  return parsed?.success ? parsed.data : undefined;
}

/**
 * The "expected ..." phrase. The schema's own messages come first, since they are the most
 * specific ("a template containing {{id}} exactly once"); then a description of what the key
 * accepts; then a phrase for the issue code alone.
 */
function expectedFor(issue: z.core.$ZodIssue, context: IssueContext): string {
  const own = ownWords(issue.message);
  if (own) return own;
  if (issue.code === "invalid_value") return `one of: ${issue.values.map(String).join(", ")}`;
  const schema = schemaAt(context.schema, issue.path);
  if (schema) return describeExpected(schema);
  switch (issue.code) {
    case "invalid_type":
      return `a ${issue.expected}`;
    case "too_small":
      return issue.origin === "string" ? `at least ${String(issue.minimum)} characters` : `at least ${String(issue.minimum)}`;
    case "too_big":
      return issue.origin === "string" ? `at most ${String(issue.maximum)} characters` : `at most ${String(issue.maximum)}`;
    case "invalid_format":
      return `a valid ${issue.format}`;
    case "not_multiple_of":
      return `a multiple of ${String(issue.divisor)}`;
    default:
      return "a valid value";
  }
}

/** Messages written in schema.ts read "expected ..."; zod's defaults do not. */
function ownWords(message: string): string | undefined {
  return message.startsWith("expected ") ? message.slice("expected ".length) : undefined;
}

function startsWith(path: Path, prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => String(path[i]) === segment);
}

function valueAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const segment of path) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[segment];
  }
  return node;
}
