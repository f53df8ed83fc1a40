/**
 * Configuration errors, shaped for the person who edits the YAML file: every problem names the
 * key (as a dotted path), what was expected, what was found and where (a line, or the
 * environment variable the value came from).
 */

/** One thing wrong with the configuration. */
export interface ConfigProblem {
  /** Dotted key path such as `networks.whatsapp.enabled`; `(root)` for the document itself. */
  path: string;
  /** What would have been accepted, as an English phrase ("a boolean (true or false)"). */
  expected: string;
  /** The offending value, JSON-ish and shortened, or "nothing" when the key is absent. */
  found: string;
  /** 1-based line in the configuration file, when the problem can be placed in it. */
  line?: number;
  /** The whole explanation, without location: `expected a boolean, found "yes"`. */
  message: string;
  /** What kind of mistake this is; lets callers and tests tell them apart without parsing text. */
  kind?: ConfigProblemKind;
  /** The environment variable the offending value came from, if it did not come from the file. */
  variable?: string;
}

export type ConfigProblemKind =
  | "syntax" // the file is not valid YAML
  | "file" // the file (or a *_FILE secret) cannot be read
  | "unknown-key" // a key the schema does not have, usually a typo
  | "missing" // a required key is absent
  | "invalid" // a value of the wrong type or form
  | "environment"; // a conflict between environment variables

/** The configuration cannot be used. Carries every problem found, not just the first. */
export class ConfigError extends Error {
  readonly code = "CONFIG_INVALID";
  /** The file name (or another label) the problems refer to, e.g. `config.yaml`. */
  readonly source: string;
  readonly problems: ConfigProblem[];

  constructor(source: string, problems: ConfigProblem[]) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    // The message holds the full list so that an error that escapes to a stack trace or a log
    // line still tells the admin what to fix.
    super(`Invalid configuration in ${source} (${count}):\n${formatLines(source, problems)}`);
    this.name = "ConfigError";
    this.source = source;
    this.problems = problems;
  }
}

/**
 * One line per problem, e.g.
 * `config.yaml:12: networks.whatsapp.enabled: expected a boolean (true or false), found "yes"`.
 */
export function formatConfigProblems(error: ConfigError): string {
  return formatLines(error.source, error.problems);
}

function formatLines(source: string, problems: readonly ConfigProblem[]): string {
  return problems
    .map((problem) => {
      const location = problem.line === undefined ? source : `${source}:${problem.line}`;
      // A syntax error or an unreadable file is not about any one key: naming "(root)" there
      // would only add noise.
      const subject = problem.kind === "syntax" || problem.kind === "file" ? "" : `${problem.path}: `;
      return `${location}: ${subject}${problem.message}`;
    })
    .join("\n");
}

const MAX_FOUND_LENGTH = 60;

/** Shows a value from the document the way a reader of the YAML file would recognise it. */
export function describeFound(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "an empty value";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_FOUND_LENGTH ? `${text.slice(0, MAX_FOUND_LENGTH - 1)}…` : text;
}

/** Dotted path for messages; `(root)` when empty. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "(root)" : path.map(String).join(".");
}

const FILE_ERROR_REASONS: Record<string, string> = {
  ENOENT: "the file does not exist",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "it is a directory, not a file",
  ENOTDIR: "a part of the path is not a directory",
  ELOOP: "too many symbolic links",
};

/** The operating system's reason a file could not be read, in words, with its code. */
export function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined) {
    const reason = FILE_ERROR_REASONS[code];
    if (reason !== undefined) return `${reason} (${code})`;
  }
  return error instanceof Error ? error.message : String(error);
}
