/** Where the config lives and how Synapse is invoked, per mode. */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CONFIG_FILE } from "./homeserver-config.js";
import { OWNER_FILE, removeOrphanedRuns, type RunOwner } from "./orphaned-runs.js";
import type { Provisioned, SynapseMode } from "./provision.js";

export interface Layout {
  mode: SynapseMode;
  /** The config folder as this process sees it. */
  hostDir: string;
  /** The same folder as Synapse sees it (inside the chroot or container). */
  synapseDir: string;
  /** The command line that runs `python -m synapse.app.homeserver <extraArgs>`. */
  command(extraArgs: string[], containerName: string): { file: string; args: string[] };
  /** Creates hostDir (and, in chroot mode, clears out folders of earlier runs that died). */
  prepare(): Promise<void>;
  /** Remembers the Synapse process id, for the clean-up of a run that dies without stop(). */
  recordSynapsePid(pid: number): Promise<void>;
  /** Removes what the run left behind outside dataDir. */
  cleanup(): Promise<void>;
}

/** Python and Docker runs live in the caller's dataDir: nothing to prepare or sweep. */
const inDataDir = (dataDir: string) => ({
  prepare: async () => {
    await mkdir(dataDir, { recursive: true });
  },
  recordSynapsePid: async () => {},
  cleanup: async () => {},
});

function homeserverArgs(synapseDir: string, extraArgs: string[]): string[] {
  return ["-m", "synapse.app.homeserver", "-c", `${synapseDir}/${CONFIG_FILE}`, ...extraArgs];
}

/**
 * The chroot folder of a run: a fresh one per run; for a persistent Synapse, one whose random
 * name is kept in dataDir. Random rather than derived from dataDir's path, so that a deleted and
 * re-created folder never finds the old Synapse, whose accounts it has no passwords for.
 */
function chrootFolderName(runId: string, dataDir: string, persistent: boolean): string {
  if (!persistent) return runId;
  const file = join(dataDir, "chroot-folder");
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `persistent-${randomBytes(6).toString("hex")}\n`);
  }
  return readFileSync(file, "utf8").trim();
}

export function layoutFor(provisioned: Provisioned, dataDir: string, runId: string, persistent: boolean): Layout {
  switch (provisioned.mode) {
    case "python": {
      const python = process.env["CROSSCHAT_SYNAPSE_PYTHON"];
      if (!python) throw new Error("provision-synapse.sh chose python mode but CROSSCHAT_SYNAPSE_PYTHON is not set");
      return {
        mode: "python",
        hostDir: dataDir,
        synapseDir: dataDir,
        command: (extra) => ({ file: python, args: homeserverArgs(dataDir, extra) }),
        ...inDataDir(dataDir),
      };
    }
    case "docker": {
      const image = process.env["CROSSCHAT_SYNAPSE_IMAGE"] ?? "matrixdotorg/synapse:latest";
      // Run as the calling user so the container can write the host-owned data folder, and
      // bypass the image's start.py (which generates its own config and switches users).
      // --network host lets Synapse listen on the host's loopback and reach the appservice
      // listener there (Linux only; Docker Desktop does not share the host's loopback).
      const user = process.getuid && process.getgid ? [`--user`, `${process.getuid()}:${process.getgid()}`] : [];
      return {
        mode: "docker",
        hostDir: dataDir,
        synapseDir: "/data",
        command: (extra, containerName) => ({
          file: "docker",
          args: [
            "run", "--rm", "--name", containerName, "--network", "host", ...user,
            "-v", `${dataDir}:/data`, "--entrypoint", "python", image,
            ...homeserverArgs("/data", extra),
          ],
        }),
        ...inDataDir(dataDir),
      };
    }
    case "chroot": {
      const root = provisioned.chrootRoot;
      if (!root) throw new Error("chroot mode without a chroot root");
      // Synapse inside the chroot cannot see dataDir, so the config gets its own folder in there.
      const runsDir = join(root, "srv", "crosschat");
      const synapseDir = `/srv/crosschat/${chrootFolderName(runId, dataDir, persistent)}`;
      const hostDir = join(root, synapseDir);
      const owner: RunOwner = { owner: process.pid };
      const writeOwner = () => writeFile(join(hostDir, OWNER_FILE), JSON.stringify(owner));
      return {
        mode: "chroot",
        hostDir,
        synapseDir,
        command: (extra) => ({ file: "chroot", args: [root, "python3", ...homeserverArgs(synapseDir, extra)] }),
        // A persistent Synapse's folder has no owner file: it outlives its runs and is never swept.
        prepare: async () => {
          await removeOrphanedRuns(runsDir);
          await mkdir(hostDir, { recursive: true });
          if (!persistent) await writeOwner();
        },
        recordSynapsePid: async (pid) => {
          if (persistent) return;
          owner.synapse = pid;
          await writeOwner();
        },
        cleanup: async () => {
          if (persistent) return;
          // A kept folder loses its owner file, so later runs leave it alone.
          if (process.env["CROSSCHAT_KEEP_SYNAPSE"] === "1") await rm(join(hostDir, OWNER_FILE), { force: true });
          else await rm(hostDir, { recursive: true, force: true });
        },
      };
    }
  }
}
