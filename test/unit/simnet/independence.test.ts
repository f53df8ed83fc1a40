import { describe, expect, it } from "@jest/globals";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";
import { PACKAGE_ROOT } from "../../../src/version.js";

const SIMNET = join(PACKAGE_ROOT, "src", "simnet");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
  );
}

describe("the simulated networks", () => {
  it("import nothing of the bridge: they are reached only over the wire", () => {
    const offending: string[] = [];
    for (const file of sourceFiles(SIMNET)) {
      for (const match of readFileSync(file, "utf8").matchAll(/from\s+["'](\.[^"']+)["']/g)) {
        const target = resolve(dirname(file), match[1] as string);
        if (relative(SIMNET, target).startsWith("..")) offending.push(`${relative(PACKAGE_ROOT, file)} -> ${match[1]}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
