/**
 * Runs a simulated network in-process for a test, on a free loopback port with its SQLite file
 * in a temporary folder; `restart()` stops it and starts it again on the same file and port, so
 * a test can check that nothing is lost.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NetworkDefinition } from "../../../src/simnet/core/network.js";
import { startNetworkServer, type RunningNetworkServer } from "../../../src/simnet/core/server.js";

export const TEST_ADMIN_TOKEN = "simnet-admin-token-for-tests";

export interface TestNetwork {
  url: string;
  adminToken: string;
  databasePath: string;
  server: RunningNetworkServer;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestNetwork(definition: NetworkDefinition, options: { now?: () => number } = {}): Promise<TestNetwork> {
  const dir = mkdtempSync(join(tmpdir(), `simnet-${definition.id}-`));
  const databasePath = join(dir, `${definition.id}.db`);
  const start = (port?: number) =>
    startNetworkServer(definition, { databasePath, adminToken: TEST_ADMIN_TOKEN, ...(port ? { port } : {}), ...(options.now ? { now: options.now } : {}) });
  let server = await start();
  const network: TestNetwork = {
    url: server.url,
    adminToken: TEST_ADMIN_TOKEN,
    databasePath,
    server,
    async restart() {
      await server.stop();
      server = await start(server.port);
      network.server = server;
    },
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return network;
}
