/**
 * Runs one or several simulated networks side by side, each on its own port with its own SQLite
 * file in one data folder: what `crosschat simnet` starts, and what tests and the benchmark
 * start in-process.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { newToken } from "./core/credentials.js";
import type { SimnetLogger, SimnetNetworkId } from "./core/network.js";
import { startNetworkServer, type RunningNetworkServer } from "./core/server.js";
import { networkDefinition, type NetworkVariant } from "./networks.js";

/** The ports `crosschat simnet` uses unless told otherwise; the bridge's config defaults match. */
export const DEFAULT_SIMNET_PORTS: Readonly<Record<SimnetNetworkId, number>> = {
  whatsapp: 29411,
  messenger: 29412,
  instagram: 29413,
};

export interface SimnetOptions extends NetworkVariant {
  networks: readonly SimnetNetworkId[];
  dataDir: string;
  /** The admin API's bearer token; by default one kept in `<dataDir>/admin-token`. */
  adminToken?: string;
  host?: string;
  /** Per network; 0 picks a free port. Defaults to DEFAULT_SIMNET_PORTS. */
  ports?: Partial<Record<SimnetNetworkId, number>>;
  logger?: SimnetLogger;
}

export interface RunningSimnet {
  adminToken: string;
  servers: RunningNetworkServer[];
  url(network: SimnetNetworkId): string;
  stop(): Promise<void>;
}

/**
 * The admin token kept in the data folder, created on first use, so a restarted simnet keeps
 * the token scripts were given.
 */
export function storedAdminToken(dataDir: string): string {
  const path = join(dataDir, "admin-token");
  if (existsSync(path)) return readFileSync(path, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const token = newToken();
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  return token;
}

/** A network that could not start, most often because its port is taken. */
export class SimnetStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SimnetStartError";
  }
}

export async function startSimnet(options: SimnetOptions): Promise<RunningSimnet> {
  const adminToken = options.adminToken ?? storedAdminToken(options.dataDir);
  const servers: RunningNetworkServer[] = [];
  try {
    for (const id of options.networks) {
      const port = options.ports?.[id] ?? DEFAULT_SIMNET_PORTS[id];
      const server = await startNetworkServer(networkDefinition(id, options), {
        databasePath: join(options.dataDir, `${id}.db`),
        adminToken,
        port,
        ...(options.host ? { host: options.host } : {}),
        ...(options.logger ? { logger: options.logger } : {}),
      }).catch((error: unknown) => {
        const reason = (error as NodeJS.ErrnoException).code === "EADDRINUSE" ? "the port is already in use" : String(error);
        throw new SimnetStartError(`the ${id} simulation cannot start on port ${port}: ${reason}`);
      });
      servers.push(server);
    }
  } catch (error) {
    await Promise.all(servers.map((server) => server.stop()));
    throw error;
  }
  return {
    adminToken,
    servers,
    url(network) {
      const server = servers.find((s) => s.id === network);
      if (!server) throw new Error(`${network} is not running in this simnet`);
      return server.url;
    },
    async stop() {
      await Promise.all(servers.map((server) => server.stop()));
    },
  };
}
