/**
 * scripts/provision-synapse.sh decides how Synapse can run on this machine (an existing Python
 * install, Docker, or a Debian chroot it builds once) and prints that mode.
 */
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../version.js";
import { runCommand, tail } from "./processes.js";

export type SynapseMode = "python" | "docker" | "chroot";

export interface Provisioned {
  mode: SynapseMode;
  /** Only in chroot mode. */
  chrootRoot?: string;
}

/** Runs scripts/provision-synapse.sh and reads the mode from its last stdout line. */
export async function provision(): Promise<Provisioned> {
  const script = join(PACKAGE_ROOT, "scripts", "provision-synapse.sh");
  const result = await runCommand("bash", [script]);
  const lines = result.stdout.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const last = lines[lines.length - 1] ?? "";
  if (result.code !== 0 || last === "") {
    throw new Error(
      `${script} could not provide a Synapse (exit ${result.code ?? result.signal}):\n${tail(result.stderr)}`,
    );
  }
  if (last === "python" || last === "docker") return { mode: last };
  const chroot = /^chroot (.+)$/.exec(last);
  if (chroot?.[1]) return { mode: "chroot", chrootRoot: chroot[1] };
  throw new Error(`${script} printed an unknown mode: ${JSON.stringify(last)}`);
}
