/**
 * Deterministic mutations of valid requests and frames, for the fuzz test: a seeded generator so
 * a failure can be replayed, and mutators that produce the bad input real clients send (wrong
 * types, missing and unknown fields, huge and odd strings, broken JSON, random bytes).
 */
export type Random = () => number;

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const ODD_STRINGS = [
  "",
  " ",
  "\u0000",
  "../../etc/passwd",
  "' OR 1=1 --",
  "%",
  "%zz",
  "😀".repeat(50),
  "\ud800",
  "a".repeat(70_000),
  "-1",
  "9".repeat(40),
  "<script>alert(1)</script>",
  "null",
  "[]",
];

function oddValue(random: Random): unknown {
  return pick(random, [
    () => pick(random, ODD_STRINGS),
    () => pick(random, [0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, Number.MAX_SAFE_INTEGER]),
    () => null,
    () => pick(random, [true, false]),
    () => [],
    () => [pick(random, ODD_STRINGS)],
    () => ({}),
    () => ({ type: pick(random, ODD_STRINGS) }),
    () => nested(random, 1 + Math.floor(random() * 200)),
  ])();
}

function nested(random: Random, depth: number): unknown {
  let value: unknown = pick(random, ODD_STRINGS.slice(0, 5));
  for (let i = 0; i < depth; i++) value = random() < 0.5 ? [value] : { x: value };
  return value;
}

/** Paths of every field inside a JSON value, so a mutation can reach nested fields too. */
function fieldPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== "object" || value === null) return [];
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...fieldPaths(child, [...prefix, key])]);
}

function withChange(value: unknown, path: (string | number)[], change: (parent: Record<string | number, unknown>, key: string | number) => void): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  change(parent, path[path.length - 1]!);
  return copy;
}

/** A structurally mutated copy of a JSON value. */
export function mutateJson(random: Random, value: unknown): unknown {
  const paths = fieldPaths(value);
  const strategy = paths.length === 0 ? 0 : Math.floor(random() * 4);
  if (strategy === 0) return oddValue(random);
  const path = pick(random, paths);
  switch (strategy) {
    case 1:
      return withChange(value, path, (parent, key) => {
        parent[key] = oddValue(random);
      });
    case 2:
      return withChange(value, path, (parent, key) => {
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
      });
    default:
      return withChange(value, path, (parent) => {
        if (!Array.isArray(parent)) parent[pick(random, ["type", "__proto__", "constructor", "unknown_field", "id"])] = oddValue(random);
      });
  }
}

/** Text that is not the JSON it claims to be. */
export function brokenText(random: Random, valid: string): string {
  return pick(random, [
    () => valid.slice(0, Math.floor(random() * valid.length)),
    () => `${valid}}`,
    () => valid.replace(/"/g, "'"),
    () => Buffer.from(Array.from({ length: 1 + Math.floor(random() * 64) }, () => Math.floor(random() * 256))).toString("latin1"),
    () => "",
    () => "{".repeat(5000),
  ])();
}

/** A path with one segment replaced by something invalid. */
export function mutatePath(random: Random, path: string): string {
  const segments = path.split("/");
  if (segments.length < 2) return path;
  const index = 1 + Math.floor(random() * (segments.length - 1));
  segments[index] = pick(random, ["%", "%zz", "..", "0", "-1", "x".repeat(5000), "%F0%9F%98%80", "null", "99999999999999999999999"]);
  return segments.join("/");
}
