/**
 * A real Synapse homeserver for the integration tests and for `crosschat dev`.
 *
 * scripts/provision-synapse.sh decides how Synapse can run on this machine (an existing Python
 * install, Docker, or a Debian chroot it builds once) and prints that mode; this module writes a
 * throw-away homeserver config for that mode, starts Synapse in the foreground as a child
 * process, waits until the client API answers and hands back a handle to stop it.
 *
 * Each start gets a fresh Synapse that stop() throws away, unless it is `persistent` (the dev
 * environment's), whose state is kept from one start to the next.
 *
 * The parts live in ./synapse/: provision.ts (the mode), layout.ts (where the files live and the
 * command line, per mode), orphaned-runs.ts (sweeping chroot folders of dead runs),
 * homeserver-config.ts (the config files and secrets) and processes.ts (child-process helpers).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Logger } from "winston";
import { probeHomeserver } from "../matrix/homeserver-check.js";
import { freeLoopbackPort } from "./ports.js";
import { instanceSecrets, LOG_FILE, writeConfig, type Secrets } from "./synapse/homeserver-config.js";
import { layoutFor, type Layout } from "./synapse/layout.js";
import { exitedWithin, OutputTail, runCommand, tail } from "./synapse/processes.js";
import { provision, type SynapseMode } from "./synapse/provision.js";

export type { SynapseMode };

export interface StartSynapseOptions {
  /**
   * A host folder for this Synapse. In python and docker mode the whole Synapse lives there (a
   * fresh folder gives a fresh Synapse); in chroot mode, where Synapse cannot see the host's
   * files, it holds a pointer to the folder inside the chroot and, after stop, a copy of the log.
   */
  dataDir: string;
  /** Appservice registration objects; each is written as a YAML file and listed in the config. */
  registrations: object[];
  /**
   * Keeps this Synapse's state (database, media, signing key, secrets) from one start to the
   * next with the same dataDir, as `crosschat dev` needs. Otherwise every start gets a fresh
   * Synapse, thrown away on stop.
   */
  persistent?: boolean;
  serverName?: string;
  /** Defaults to a free loopback port. */
  port?: number;
  logger?: Logger;
  startTimeoutMs?: number;
}

export interface RunningSynapse {
  /** Base URL of the client API, e.g. http://127.0.0.1:8008 */
  url: string;
  serverName: string;
  /** For /_synapse/admin/v1/register (see matrix-admin.ts). */
  registrationSharedSecret: string;
  mode: SynapseMode;
  pid?: number;
  /** SIGTERM, then SIGKILL after 10 s; safe to call more than once. */
  stop(): Promise<void>;
}

const DEFAULT_START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;
const POLL_INTERVAL_MS = 100;

async function describeFailure(layout: Layout, output: OutputTail): Promise<string> {
  let log = "";
  try {
    log = tail(await readFile(join(layout.hostDir, LOG_FILE), "utf8"));
  } catch {
    log = "(no log file)";
  }
  return `Synapse log (${join(layout.hostDir, LOG_FILE)}), last lines:\n${log || "(empty)"}\n` +
    `Synapse stderr/stdout, last lines:\n${output.toString() || "(empty)"}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function startSynapse(options: StartSynapseOptions): Promise<RunningSynapse> {
  const started = Date.now();
  // Absolute, because it ends up in Synapse's config and in Docker's volume argument.
  const dataDir = resolve(options.dataDir);
  const serverName = options.serverName ?? "localhost";
  const port = options.port ?? (await freeLoopbackPort());
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const log = options.logger;
  const runId = `${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
  const containerName = `crosschat-synapse-${runId}`;

  const provisioned = await provision();
  const persistent = options.persistent ?? false;
  const layout = layoutFor(provisioned, dataDir, runId, persistent);
  await mkdir(dataDir, { recursive: true });
  await layout.prepare();
  if (layout.hostDir !== dataDir) {
    // So a person debugging a test run can find the real config and database.
    await writeFile(join(dataDir, "synapse-config-dir.txt"), `${layout.hostDir}\n`);
  }

  const url = `http://127.0.0.1:${port}`;
  let secrets: Secrets;
  try {
    secrets = await instanceSecrets(layout.hostDir, persistent);
    await writeConfig(layout, { serverName, port, secrets, registrations: options.registrations });
  } catch (error) {
    await layout.cleanup();
    throw error;
  }

  const { file, args } = layout.command([], containerName);
  log?.debug(`starting Synapse (${layout.mode}): ${file} ${args.join(" ")}`);
  const child = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"] });
  const output = new OutputTail();
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => output.append(chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => output.append(chunk));
  let spawnError: Error | undefined;
  child.once("error", (error) => (spawnError = error));

  // If this process dies without calling stop() (a crashed test run), do not leave Synapse behind.
  const killOnExit = () => {
    child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);
  if (child.pid !== undefined) await layout.recordSynapsePid(child.pid).catch(() => {});

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // A child that never spawned (spawnError) has no process to signal or to wait for.
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        if (!(await exitedWithin(child, STOP_GRACE_MS))) {
          log?.warn(`Synapse did not stop within ${STOP_GRACE_MS / 1000} s of SIGTERM; killing it`);
          child.kill("SIGKILL");
          if (layout.mode === "docker") await runCommand("docker", ["rm", "-f", containerName]).catch(() => {});
          await exitedWithin(child, STOP_GRACE_MS);
        }
      }
      process.removeListener("exit", killOnExit);
      if (layout.hostDir !== dataDir) {
        // Keep the log next to the pointer for post-mortems even after the chroot folder is gone.
        await copyFile(join(layout.hostDir, LOG_FILE), join(dataDir, LOG_FILE)).catch(() => {});
      }
      await layout.cleanup();
    })();
    return stopping;
  };

  const deadline = started + timeoutMs;
  for (;;) {
    if (spawnError) {
      await stop();
      throw new Error(`could not run ${file}: ${spawnError.message}`);
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      const details = await describeFailure(layout, output);
      await stop();
      throw new Error(
        `Synapse (${layout.mode}) exited during start-up (exit ${child.exitCode ?? child.signalCode}).\n${details}`,
      );
    }
    if ((await probeHomeserver(url, 2000)) === undefined) break;
    if (Date.now() > deadline) {
      const details = await describeFailure(layout, output);
      await stop();
      throw new Error(`Synapse (${layout.mode}) did not answer ${url}/_matrix/client/versions within ${timeoutMs} ms.\n${details}`);
    }
    await sleep(POLL_INTERVAL_MS);
  }

  log?.info(`Synapse (${layout.mode}) for ${serverName} is up at ${url} after ${Date.now() - started} ms`);
  const running: RunningSynapse = { url, serverName, registrationSharedSecret: secrets.registration_shared_secret, mode: layout.mode, stop };
  if (child.pid !== undefined) running.pid = child.pid;
  return running;
}
