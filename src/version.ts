/** The package's own name and version, read from package.json wherever the code runs from. */
import { readFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "package.json");
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, "utf8")) as { name?: string };
      if (pkg.name === "crosschat") return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error("crosschat's package.json was not found above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** The folder holding package.json, scripts/ and config.sample.yaml. */
export const PACKAGE_ROOT = findPackageRoot();

export const VERSION: string = (
  JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }
).version;
