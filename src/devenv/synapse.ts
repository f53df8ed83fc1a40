/**
 * A real Synapse homeserver for the integration tests and for `crosschat dev`.
 *
 * scripts/provision-synapse.sh decides how Synapse can run on this machine (an existing Python
 * install, Docker, or a Debian chroot it builds once) and prints that mode; this module writes a
 * throw-away homeserver config for that mode, starts Synapse in the foreground as a child
 * process, waits until the client API answers and hands back a handle to stop it.
 *
 * Each start gets a fresh Synapse that stop() throws away, unless `instance` names one whose
 * state persists (the dev environment's).
 *
 * The config is tuned for tests: SQLite, one loopback listener, no federation, no outgoing
 * network, quiet logs (warnings go to a file, which start-up errors quote), and rate limits
 * raised so that human test users are never throttled.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "winston";
import { stringify } from "yaml";
import { freeLoopbackPort } from "./ports.js";

export type SynapseMode = "python" | "docker" | "chroot";

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
   * Names a Synapse whose state (database, media, signing key, secrets) persists from one start
   * to the next with the same name and dataDir, as `crosschat dev` needs. Without it every start
   * gets a fresh Synapse, thrown away on stop.
   */
  instance?: string;
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
const TAIL_LINES = 40;
const CONFIG_FILE = "homeserver.yaml";
const LOG_FILE = "homeserver.log";

// ---------------------------------------------------------------------------------------------
// Finding and running the provisioning script

/**
 * The repository (or installed package) root: the first folder above this file whose
 * package.json is crosschat's. Works from src/ (ts-jest) and from dist/ (after tsc), wherever
 * the package is installed.
 */
export function findProjectRoot(): string {
  const start = fileURLToPath(import.meta.url);
  let dir = dirname(start);
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown };
        if (parsed.name === "crosschat") return dir;
      } catch {
        // An unreadable package.json further down (e.g. a nested fixture): keep walking up.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`could not find the crosschat package root above ${start}`);
    dir = parent;
  }
}

interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, collecting its output (used for short-lived helpers only). */
function runCommand(command: string, args: string[]): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

interface Provisioned {
  mode: SynapseMode;
  /** Only in chroot mode. */
  chrootRoot?: string;
}

/** Runs scripts/provision-synapse.sh and reads the mode from its last stdout line. */
async function provision(): Promise<Provisioned> {
  const script = join(findProjectRoot(), "scripts", "provision-synapse.sh");
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

// ---------------------------------------------------------------------------------------------
// Where the config lives and how Synapse is invoked, per mode

interface Layout {
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
 * The chroot folder of a run: a fresh one per run, or for a named instance a stable one per
 * (name, dataDir) so that two dev folders never share a Synapse.
 */
function chrootFolderName(runId: string, dataDir: string, instance: string | undefined): string {
  if (instance === undefined) return runId;
  const safe = instance.replace(/[^A-Za-z0-9_.-]/g, "_");
  return `${safe}-${createHash("sha256").update(dataDir).digest("hex").slice(0, 12)}`;
}

function layoutFor(provisioned: Provisioned, dataDir: string, runId: string, instance: string | undefined): Layout {
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
      const persistent = instance !== undefined;
      const synapseDir = `/srv/crosschat/${chrootFolderName(runId, dataDir, instance)}`;
      const hostDir = join(root, synapseDir);
      const owner: RunOwner = { owner: process.pid };
      const writeOwner = () => writeFile(join(hostDir, OWNER_FILE), JSON.stringify(owner));
      return {
        mode: "chroot",
        hostDir,
        synapseDir,
        command: (extra) => ({ file: "chroot", args: [root, "python3", ...homeserverArgs(synapseDir, extra)] }),
        // A named instance's folder has no owner file: it outlives its runs and is never swept.
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

// ---------------------------------------------------------------------------------------------
// Runs that died without stop() (a test run killed by a timeout, say)
//
// Their chroot folders (a database of several MB each) would pile up in the cache, and their
// Synapse may still be running. Each run folder names the process that owns it; a folder whose
// owner is gone is removed, after killing its Synapse if that still runs.

const OWNER_FILE = "crosschat-owner.json";

interface RunOwner {
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

async function removeOrphanedRuns(runsDir: string): Promise<void> {
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

// ---------------------------------------------------------------------------------------------
// The config files

/** Rate limits high enough that test users and dev sessions never wait. */
const UNLIMITED = { per_second: 1000, burst_count: 1000 };

interface Secrets {
  registration_shared_secret: string;
  macaroon_secret_key: string;
  form_secret: string;
}

const SECRETS_FILE = "crosschat-secrets.json";

function newSecrets(): Secrets {
  const secret = () => randomBytes(32).toString("hex");
  return { registration_shared_secret: secret(), macaroon_secret_key: secret(), form_secret: secret() };
}

/**
 * Fresh secrets for a throw-away run; for a named instance the ones of its first run, so that
 * what Synapse derived from them (login tokens, say) stays valid across restarts.
 */
async function instanceSecrets(layout: Layout, persistent: boolean): Promise<Secrets> {
  if (!persistent) return newSecrets();
  const file = join(layout.hostDir, SECRETS_FILE);
  try {
    const stored = JSON.parse(await readFile(file, "utf8")) as Partial<Secrets>;
    if (stored.registration_shared_secret && stored.macaroon_secret_key && stored.form_secret) {
      return stored as Secrets;
    }
  } catch {
    // First run of this instance.
  }
  const secrets = newSecrets();
  await writeFile(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}

function homeserverConfig(p: {
  serverName: string;
  port: number;
  dir: string;
  secrets: Secrets;
  registrationFiles: string[];
}): Record<string, unknown> {
  return {
    server_name: p.serverName,
    public_baseurl: `http://127.0.0.1:${p.port}/`,
    // Mandatory: without it Synapse refuses to start, asking whether to phone home.
    report_stats: false,
    listeners: [
      {
        port: p.port,
        bind_addresses: ["127.0.0.1"],
        type: "http",
        tls: false,
        x_forwarded: false,
        resources: [{ names: ["client"], compress: false }],
      },
    ],
    database: { name: "sqlite3", args: { database: `${p.dir}/homeserver.db` } },
    log_config: `${p.dir}/log.config`,
    media_store_path: `${p.dir}/media_store`,
    signing_key_path: `${p.dir}/signing.key`,
    // All three given explicitly so Synapse neither derives them nor warns about them.
    registration_shared_secret: p.secrets.registration_shared_secret,
    macaroon_secret_key: p.secrets.macaroon_secret_key,
    form_secret: p.secrets.form_secret,
    enable_registration: false,
    app_service_config_files: p.registrationFiles,
    // No network: no key servers, no federation with anyone, no URL previews.
    suppress_key_server_warning: true,
    trusted_key_servers: [],
    federation_domain_whitelist: [],
    url_preview_enabled: false,
    presence: { enabled: true },
    rc_message: UNLIMITED,
    rc_registration: UNLIMITED,
    rc_login: { address: UNLIMITED, account: UNLIMITED, failed_attempts: UNLIMITED },
    rc_admin_redaction: UNLIMITED,
    rc_joins: { local: UNLIMITED, remote: UNLIMITED },
    // A bridge puts many ghosts into one room in quick succession.
    rc_joins_per_room: UNLIMITED,
    rc_invites: { per_room: UNLIMITED, per_user: UNLIMITED, per_issuer: UNLIMITED },
    rc_room_creation: UNLIMITED,
    rc_presence: { per_user: UNLIMITED },
    rc_media_create: UNLIMITED,
    rc_key_requests: UNLIMITED,
  };
}

/** Python logging config: warnings and worse to a file, nothing to the console. */
function logConfig(dir: string): Record<string, unknown> {
  return {
    version: 1,
    formatters: {
      precise: { format: "%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s" },
    },
    // Fills in %(request)s; without it every record would fail to format.
    filters: { context: { "()": "synapse.logging.context.LoggingContextFilter", request: "" } },
    handlers: {
      file: {
        class: "logging.FileHandler",
        formatter: "precise",
        filters: ["context"],
        filename: `${dir}/${LOG_FILE}`,
        encoding: "utf8",
        level: "WARNING",
      },
    },
    loggers: { synapse: { level: "WARNING" } },
    root: { level: "WARNING", handlers: ["file"] },
    disable_existing_loggers: false,
  };
}

async function writeConfig(layout: Layout, p: {
  serverName: string;
  port: number;
  secrets: Secrets;
  registrations: object[];
}): Promise<void> {
  await mkdir(join(layout.hostDir, "media_store"), { recursive: true });
  const registrationFiles: string[] = [];
  for (const [i, registration] of p.registrations.entries()) {
    const name = `appservice-${i}.yaml`;
    // Registrations carry the appservice tokens: owner-only, like the config.
    await writeFile(join(layout.hostDir, name), stringify(registration), { mode: 0o600 });
    registrationFiles.push(`${layout.synapseDir}/${name}`);
  }
  await writeFile(join(layout.hostDir, "log.config"), stringify(logConfig(layout.synapseDir)));
  const config = homeserverConfig({ ...p, dir: layout.synapseDir, registrationFiles });
  // The shared secret and the tokens in the registrations grant admin rights: owner-only.
  await writeFile(join(layout.hostDir, CONFIG_FILE), stringify(config), { mode: 0o600 });
}

// ---------------------------------------------------------------------------------------------
// Output and log collection for error messages

function tail(text: string, lines = TAIL_LINES): string {
  const all = text.split("\n");
  while (all.length > 0 && all[all.length - 1] === "") all.pop();
  return all.slice(-lines).join("\n");
}

/** Keeps the end of a child's output without growing without bound. */
class OutputTail {
  private text = "";
  append(chunk: string): void {
    this.text = (this.text + chunk).slice(-64 * 1024);
  }
  toString(): string {
    return tail(this.text);
  }
}

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

// ---------------------------------------------------------------------------------------------
// Start and stop

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function answersVersions(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/_matrix/client/versions`, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/**
 * Whether the child exits within `ms`. The timer is cleared as soon as it does, so a stopped
 * Synapse leaves nothing behind that would keep the calling process (e.g. jest) alive.
 */
function exitedWithin(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      child.off("exit", onExit);
      resolve(false);
    }, ms);
    child.once("exit", onExit);
  });
}

async function generateKeys(layout: Layout, runId: string): Promise<void> {
  const { file, args } = layout.command(["--generate-keys"], `crosschat-synapse-keys-${runId}`);
  const result = await runCommand(file, args);
  if (result.code !== 0) {
    throw new Error(
      `Synapse could not generate its signing key (exit ${result.code ?? result.signal}):\n` +
        tail(result.stderr + result.stdout),
    );
  }
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
  const layout = layoutFor(provisioned, dataDir, runId, options.instance);
  await mkdir(dataDir, { recursive: true });
  await layout.prepare();
  if (layout.hostDir !== dataDir) {
    // So a person debugging a test run can find the real config and database.
    await writeFile(join(dataDir, "synapse-config-dir.txt"), `${layout.hostDir}\n`);
  }

  const url = `http://127.0.0.1:${port}`;
  let secrets: Secrets;
  try {
    secrets = await instanceSecrets(layout, options.instance !== undefined);
    await writeConfig(layout, { serverName, port, secrets, registrations: options.registrations });
    await generateKeys(layout, runId);
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
    if (await answersVersions(url)) break;
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
