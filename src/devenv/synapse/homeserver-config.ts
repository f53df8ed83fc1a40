/**
 * The files Synapse reads: homeserver.yaml, its log config, the appservice registrations, and
 * the secrets in them.
 *
 * The config is tuned for tests: SQLite, one loopback listener, no federation, no outgoing
 * network, quiet logs (warnings go to a file, which start-up errors quote), and rate limits
 * raised so that human test users are never throttled.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { access, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse, stringify } from "yaml";

export const CONFIG_FILE = "homeserver.yaml";
export const LOG_FILE = "homeserver.log";
const SIGNING_KEY_FILE = "signing.key";

/** Rate limits high enough that test users and dev sessions never wait. */
const UNLIMITED = { per_second: 1000, burst_count: 1000 };

export interface Secrets {
  registration_shared_secret: string;
  macaroon_secret_key: string;
  form_secret: string;
}

function newSecrets(): Secrets {
  const secret = () => randomBytes(32).toString("hex");
  return { registration_shared_secret: secret(), macaroon_secret_key: secret(), form_secret: secret() };
}

/**
 * Fresh secrets for a throw-away run; for a persistent Synapse the ones already in its
 * homeserver.yaml, so that what Synapse derived from them (login tokens, say) stays valid.
 */
export async function instanceSecrets(hostDir: string, persistent: boolean): Promise<Secrets> {
  if (!persistent) return newSecrets();
  try {
    const stored = parse(await readFile(join(hostDir, CONFIG_FILE), "utf8")) as Partial<Secrets>;
    if (stored.registration_shared_secret && stored.macaroon_secret_key && stored.form_secret) {
      return {
        registration_shared_secret: stored.registration_shared_secret,
        macaroon_secret_key: stored.macaroon_secret_key,
        form_secret: stored.form_secret,
      };
    }
  } catch {
    // First run: no config yet.
  }
  return newSecrets();
}

/**
 * The server's signing key, in the file format Synapse reads (`ed25519 <key id> <seed in unpadded
 * base64>`). Written here rather than by `synapse --generate-keys`, which would start a second
 * Python process and cost about three seconds on every start. A persistent Synapse keeps its key.
 */
async function ensureSigningKey(file: string): Promise<void> {
  try {
    await access(file);
    return;
  } catch {
    // Not there yet: make one.
  }
  const { privateKey } = generateKeyPairSync("ed25519");
  const seed = Buffer.from(privateKey.export({ format: "jwk" }).d ?? "", "base64url");
  const keyId = `a_${randomBytes(2).toString("hex")}`;
  await writeFile(file, `ed25519 ${keyId} ${seed.toString("base64").replace(/=+$/, "")}\n`, { mode: 0o600 });
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
    signing_key_path: `${p.dir}/${SIGNING_KEY_FILE}`,
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

/** Writes the config folder: hostDir as this process sees it, synapseDir as Synapse does. */
export async function writeConfig(dirs: { hostDir: string; synapseDir: string }, p: {
  serverName: string;
  port: number;
  secrets: Secrets;
  registrations: object[];
}): Promise<void> {
  await mkdir(join(dirs.hostDir, "media_store"), { recursive: true });
  await ensureSigningKey(join(dirs.hostDir, SIGNING_KEY_FILE));
  const registrationFiles: string[] = [];
  for (const [i, registration] of p.registrations.entries()) {
    const name = `appservice-${i}.yaml`;
    // Registrations carry the appservice tokens: owner-only, like the config.
    await writeFile(join(dirs.hostDir, name), stringify(registration), { mode: 0o600 });
    registrationFiles.push(`${dirs.synapseDir}/${name}`);
  }
  await writeFile(join(dirs.hostDir, "log.config"), stringify(logConfig(dirs.synapseDir)));
  const config = homeserverConfig({ ...p, dir: dirs.synapseDir, registrationFiles });
  // The shared secret and the tokens in the registrations grant admin rights: owner-only.
  await writeFile(join(dirs.hostDir, CONFIG_FILE), stringify(config), { mode: 0o600 });
}
