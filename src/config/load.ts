/**
 * Loading the configuration: YAML text -> environment overrides -> schema validation.
 *
 * Every problem is collected before anything is thrown, so an admin fixes a file in one round
 * rather than one error per restart. Problems carry the line of the key they are about, which
 * is why the YAML is read as a Document (with positions) and not just as plain data.
 */
import { readFileSync } from "node:fs";
import { type Document, isMap, isNode, isScalar, LineCounter, parseDocument, visit, type YAMLError } from "yaml";
import { applyEnvironment } from "./env.js";
import { ConfigError, type ConfigProblem, describeFileError } from "./errors.js";
import { problemsFromIssues } from "./issues.js";
import { type Config, ConfigSchema } from "./schema.js";

export interface ParseConfigOptions {
  /** Names the text in problems, usually the file name (`config.yaml`). */
  source: string;
  /** Variables to read CROSSCHAT_* overrides from; none when omitted. */
  env?: NodeJS.ProcessEnv;
}

/** Validates configuration text. Throws a ConfigError listing every problem found. */
export function parseConfig(text: string, options: ParseConfigOptions): Config {
  const lineCounter = new LineCounter();
  // prettyErrors would append a source excerpt to each message; one line per problem reads better.
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      options.source,
      document.errors.map((error) => syntaxProblem(error, lineCounter)),
    );
  }

  let data: unknown;
  try {
    data = document.toJS();
  } catch (error) {
    // Raised while resolving aliases: one whose anchor is not defined, or an alias bomb
    // ("billion laughs") that would expand too far.
    const line = unresolvedAliasLine(document, lineCounter);
    throw new ConfigError(options.source, [
      {
        path: "(root)",
        kind: "syntax",
        expected: "valid YAML",
        found: "a document that cannot be expanded",
        ...(line === undefined ? {} : { line }),
        message: `invalid YAML: ${error instanceof Error ? error.message : String(error)}`,
      },
    ]);
  }

  const overrides = applyEnvironment(data, options.env ?? {});
  const result = ConfigSchema.safeParse(overrides.document);
  const problems: ConfigProblem[] = [...overrides.problems];
  if (!result.success) {
    problems.push(
      ...problemsFromIssues(result.error.issues, {
        schema: ConfigSchema,
        input: overrides.document,
        origins: overrides.origins,
        lineOf: (path) => lineOf(document, lineCounter, path),
      }),
    );
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(options.source, inFileOrder(problems));
  return result.data;
}

/** Reads and validates a configuration file. Throws a ConfigError, also when it cannot be read. */
export function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): Config {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(path, [
      {
        path: "(root)",
        kind: "file",
        expected: "a readable YAML file",
        found: "nothing",
        message: `cannot read the configuration file ${path}: ${describeFileError(error)}`,
      },
    ]);
  }
  return parseConfig(text, { source: path, env });
}

function syntaxProblem(error: YAMLError, lineCounter: LineCounter): ConfigProblem {
  const message =
    error.code === "DUPLICATE_KEY" ? "this key appears twice in the same mapping" : error.message;
  return {
    path: "(root)",
    kind: "syntax",
    expected: "valid YAML",
    found: "a syntax error",
    line: lineCounter.linePos(error.pos[0]).line,
    message: `invalid YAML: ${message}`,
  };
}

/**
 * The line of the key at `path`, or of the deepest ancestor key present in the file (for a
 * missing key, that is its parent's line). Undefined when not even the first key is there.
 */
function lineOf(document: Document, lineCounter: LineCounter, path: readonly PropertyKey[]): number | undefined {
  let node: unknown = document.contents;
  let line: number | undefined;
  for (const segment of path) {
    if (!isMap(node)) break;
    const pair = node.items.find((item) => keyText(item.key) === String(segment));
    if (!pair) break;
    if (isNode(pair.key) && pair.key.range) line = lineCounter.linePos(pair.key.range[0]).line;
    node = pair.value;
  }
  return line;
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

function unresolvedAliasLine(document: Document, lineCounter: LineCounter): number | undefined {
  let line: number | undefined;
  visit(document, {
    Alias(_, node) {
      if (node.resolve(document) === undefined && node.range) {
        line = lineCounter.linePos(node.range[0]).line;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return line;
}

/**
 * Problems in the order of the file, so the admin can work down it; those without a line
 * (missing sections, environment variables) come last. The sort is stable, so problems on one
 * line keep the schema's order.
 */
function inFileOrder(problems: ConfigProblem[]): ConfigProblem[] {
  const rank = (problem: ConfigProblem) => problem.line ?? Number.MAX_SAFE_INTEGER;
  return [...problems].sort((a, b) => rank(a) - rank(b));
}
