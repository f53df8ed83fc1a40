/**
 * Chroot runs that died without stop() (a test run killed by a timeout, say).
 *
 * Their chroot folders (a database of several MB each) would pile up in the cache, and their
 * Synapse may still be running. Each run folder names the process that owns it; a folder whose
 * owner is gone is removed, after killing its Synapse if that still runs.
 */
import { readFileSync } from "node:fs";
import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { CONFIG_FILE } from "./homeserver-config.js";

export const OWNER_FILE = "crosschat-owner.json";

export interface RunOwner {
  /** The Node process that started the run. */
  owner: number;
  synapse?: number;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether `pid` is still a Synapse using `synapseDir`, and not a recycled process id. */
function isSynapseOf(pid: number, synapseDir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(`${synapseDir}/${CONFIG_FILE}`);
  } catch {
    return false;
  }
}

export async function removeOrphanedRuns(runsDir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(runsDir);
  } catch {
    return; // No run yet.
  }
  for (const entry of entries) {
    const dir = join(runsDir, entry);
    let owner: RunOwner;
    try {
      owner = JSON.parse(await readFile(join(dir, OWNER_FILE), "utf8")) as RunOwner;
    } catch {
      continue; // Kept on purpose (CROSSCHAT_KEEP_SYNAPSE=1), or being set up right now.
    }
    if (typeof owner.owner !== "number" || isAlive(owner.owner)) continue;
    if (typeof owner.synapse === "number" && isSynapseOf(owner.synapse, `/srv/crosschat/${entry}`)) {
      try {
        process.kill(owner.synapse, "SIGKILL");
      } catch {
        // Gone in the meantime.
      }
    }
    await rm(dir, { recursive: true, force: true });
  }
}
