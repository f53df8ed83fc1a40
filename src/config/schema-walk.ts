/**
 * Reading the config schema as data: which keys exist, which are leaves, what a leaf accepts.
 *
 * The loader uses it to say what was expected in plain words, the environment overrides use it
 * to know which variables exist, and the tests use it to keep config.sample.yaml complete. It
 * reads zod's `_zod.def`, the documented way for tools to inspect a zod 4 schema.
 */
import { z } from "zod";

type Schema = z.core.$ZodType;
export type KeyPath = readonly string[];

/**
 * Peels the wrappers that do not change what a key holds: defaults, optional, nullable, and
 * pipes (where the input side is what the user writes).
 */
export function unwrap(schema: Schema): Schema {
  let current = schema;
  for (;;) {
    const def = current._zod.def;
    switch (def.type) {
      case "default":
      case "prefault":
      case "optional":
      case "nullable":
      case "readonly":
      case "catch":
        current = (def as z.core.$ZodOptionalDef).innerType;
        break;
      case "pipe":
        current = (def as z.core.$ZodPipeDef).in;
        break;
      default:
        return current;
    }
  }
}

function asObject(schema: Schema): z.core.$ZodObject | undefined {
  const inner = unwrap(schema);
  return inner._zod.def.type === "object" ? (inner as z.core.$ZodObject) : undefined;
}

function asRecord(schema: Schema): z.core.$ZodRecord | undefined {
  const inner = unwrap(schema);
  return inner._zod.def.type === "record" ? (inner as z.core.$ZodRecord) : undefined;
}

/** The keys a mapping accepts, or undefined if the schema is not a fixed-shape mapping. */
export function objectKeys(schema: Schema): string[] | undefined {
  const object = asObject(schema);
  return object ? Object.keys(object._zod.def.shape) : undefined;
}

/** The schema of the value at `path` (record entries share their value schema). */
export function schemaAt(root: Schema, path: readonly PropertyKey[]): Schema | undefined {
  let current: Schema | undefined = root;
  for (const segment of path) {
    if (current === undefined) return undefined;
    const object = asObject(current);
    const record = object ? undefined : asRecord(current);
    if (object) current = object._zod.def.shape[String(segment)];
    else if (record) current = record._zod.def.valueType;
    else return undefined;
  }
  return current;
}

/** Whether the schema is a free-form mapping (like `permissions`) rather than fixed keys. */
export function isRecord(schema: Schema): boolean {
  return asRecord(schema) !== undefined;
}

/**
 * Every leaf key path: a key whose value is not a fixed-shape mapping. A record (such as
 * `permissions`) counts as one leaf, since its keys are chosen by the user.
 */
export function leafPaths(root: Schema, prefix: KeyPath = []): string[][] {
  const object = asObject(root);
  if (!object) return [[...prefix]];
  return Object.entries(object._zod.def.shape).flatMap(([key, child]) =>
    leafPaths(child, [...prefix, key]),
  );
}

export type LeafKind = "string" | "number" | "boolean" | "enum" | "record" | "object" | "other";

/** The basic kind of value a schema accepts, looking through defaults and pipes. */
export function leafKind(schema: Schema): LeafKind {
  const type = unwrap(schema)._zod.def.type;
  switch (type) {
    case "string":
    case "number":
    case "boolean":
    case "enum":
    case "record":
    case "object":
      return type;
    default:
      return "other";
  }
}

/**
 * What the schema accepts, as an English phrase to follow "expected": "a boolean (true or false)",
 * "a whole number from 1 to 65535", "one of: info, debug", "a server name such as example.org".
 */
export function describeExpected(schema: Schema): string {
  const inner = unwrap(schema);
  const def = inner._zod.def;
  switch (def.type) {
    case "boolean":
      return "a boolean (true or false)";
    case "number":
      return describeNumber(inner as z.core.$ZodNumber);
    case "string":
      return describeString(inner);
    case "enum":
      return `one of: ${Object.values((def as z.core.$ZodEnumDef).entries).join(", ")}`;
    case "literal":
      return `one of: ${(def as z.core.$ZodLiteralDef<z.core.util.Literal>).values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "object":
      return `a mapping with the keys ${objectKeys(inner)?.join(", ")}`;
    case "record": {
      const record = def as z.core.$ZodRecordDef;
      return `a mapping of keys (${describeExpected(record.keyType)}) to ${describeExpected(record.valueType)}`;
    }
    case "union":
      return (def as z.core.$ZodUnionDef).options.map(describeExpected).join("; or ");
    default:
      return "a valid value";
  }
}

function describeNumber(schema: z.core.$ZodNumber): string {
  let whole = false;
  let min: number | undefined;
  let max: number | undefined;
  for (const check of schema._zod.def.checks ?? []) {
    const c = check._zod.def as { check: string; format?: string; value?: number };
    if (c.check === "number_format" && (c.format === "safeint" || c.format === "int32")) whole = true;
    if (c.check === "greater_than") min = c.value;
    if (c.check === "less_than") max = c.value;
  }
  const noun = whole ? "a whole number" : "a number";
  if (min !== undefined && max !== undefined) return `${noun} from ${min} to ${max}`;
  if (min !== undefined) return `${noun} of at least ${min}`;
  if (max !== undefined) return `${noun} of at most ${max}`;
  return noun;
}

/**
 * The schema's own words where it has them: string rules in schema.ts carry messages that begin
 * with "expected ...". They are found by letting zod judge a value no rule accepts (a lone NUL
 * character), which avoids reaching into how each kind of check stores its message.
 */
function describeString(schema: Schema): string {
  const result = z.safeParse(schema, "\u0000");
  const own = result.error?.issues.find((issue) => issue.message.startsWith("expected "));
  if (own) return own.message.slice("expected ".length);
  const nonEmpty = (schema._zod.def.checks ?? []).some((check) => {
    const c = check._zod.def as { check: string; minimum?: number };
    return c.check === "min_length" && (c.minimum ?? 0) >= 1;
  });
  return nonEmpty ? "a non-empty string" : "a string";
}
