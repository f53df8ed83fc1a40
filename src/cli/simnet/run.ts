/** `crosschat simnet run`: the simulated networks as a long-running process. */
import type { Command } from "commander";
import { createLogging } from "../../logging/logger.js";
import type { SimnetNetworkId } from "../../simnet/core/network.js";
import { SIMNET_NETWORKS } from "../../simnet/networks.js";
import { startSimnet } from "../../simnet/run.js";
import { runCommand } from "../failures.js";
import { stopServiceOnSignal } from "../signals.js";
import { DEFAULT_SIMNET_DATA, networkName, portOrZero } from "./options.js";

interface RunOptions {
  network?: SimnetNetworkId[];
  data: string;
  host: string;
  adminToken?: string;
  whatsappPort?: number;
  messengerPort?: number;
  instagramPort?: number;
  unlimitedRates?: boolean;
  logFormat: "pretty" | "json";
}

export function registerSimnetRun(simnet: Command): void {
  simnet
    .command("run", { isDefault: true })
    .description("run the simulated networks (all three unless --network is given) until stopped")
    .option("-n, --network <name...>", `networks to run: ${SIMNET_NETWORKS.join(", ")}`, (value: string, previous: SimnetNetworkId[] = []) => [
      ...previous,
      networkName(value),
    ])
    .option("-d, --data <dir>", "folder for each network's SQLite file and the admin token", DEFAULT_SIMNET_DATA)
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option("--admin-token <token>", "bearer token for the admin API (default: kept in <data>/admin-token; env CROSSCHAT_SIMNET_ADMIN_TOKEN)")
    .option("--whatsapp-port <port>", "port of the WhatsApp simulation (0: any free port)", portOrZero)
    .option("--messenger-port <port>", "port of the Messenger simulation (0: any free port)", portOrZero)
    .option("--instagram-port <port>", "port of the Instagram simulation (0: any free port)", portOrZero)
    .option("--unlimited-rates", "lift the per-account send and action limits (load tests and benchmarks); login throttles stay")
    .option("--log-format <format>", "pretty or json", "pretty")
    .action((options: RunOptions) =>
      runCommand(async () => {
        const logging = createLogging({ level: "info", format: options.logFormat === "json" ? "json" : "pretty" });
        const log = logging.forModule("simnet");
        const adminToken = options.adminToken ?? process.env.CROSSCHAT_SIMNET_ADMIN_TOKEN;
        if (adminToken) logging.secrets.add(adminToken);
        const simnet = await startSimnet({
          networks: options.network ?? SIMNET_NETWORKS,
          dataDir: options.data,
          host: options.host,
          ...(adminToken ? { adminToken } : {}),
          ports: {
            ...(options.whatsappPort !== undefined ? { whatsapp: options.whatsappPort } : {}),
            ...(options.messengerPort !== undefined ? { messenger: options.messengerPort } : {}),
            ...(options.instagramPort !== undefined ? { instagram: options.instagramPort } : {}),
          },
          unlimitedRates: options.unlimitedRates === true,
          logger: log,
        });
        // One machine-readable line per network, so scripts can find the ports they asked for with 0.
        for (const server of simnet.servers) process.stdout.write(`simnet ${server.id} ${server.url}\n`);
        if (!adminToken) process.stdout.write(`simnet admin token in ${options.data}/admin-token\n`);
        await stopServiceOnSignal({ stop: () => simnet.stop().then(() => logging.close()), announce: (message) => log.info(message) });
      }),
    );
}
