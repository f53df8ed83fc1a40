/**
 * `crosschat simnet bench`: starts each simulated network in a child process of its own (so the
 * server and the measuring clients each get a core, as they would on a real deployment), with
 * rate limits lifted, and prints throughput and delivery latency per network.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Command } from "commander";
import { benchmarkNetwork, type BenchmarkResult } from "../../simnet/bench.js";
import { newToken } from "../../simnet/core/credentials.js";
import type { SimnetNetworkId } from "../../simnet/core/network.js";
import { SIMNET_KITS, SIMNET_NETWORKS } from "../../simnet/networks.js";
import { runCommand } from "../failures.js";
import { networkName, positiveInteger } from "./options.js";

interface BenchOptions {
  network?: SimnetNetworkId[];
  messages: number;
  concurrency: number;
}

/** Starts `crosschat simnet run` for one network on a free port and resolves with its URL. */
function startServerProcess(network: SimnetNetworkId, dataDir: string, adminToken: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [process.argv[1] ?? "", "simnet", "run", "--network", network, "--data", dataDir, `--${network}-port`, "0", "--unlimited-rates", "--log-format", "json"],
    { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, CROSSCHAT_SIMNET_ADMIN_TOKEN: adminToken } },
  );
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      const match = /^simnet (\w+) (http:\/\/\S+)$/.exec(line);
      if (match?.[1] === network) resolve({ child, url: match[2]! });
    });
    child.once("exit", (code) => reject(new Error(`the ${network} simulation exited (${code}) before it was listening`)));
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

function formatRow(result: BenchmarkResult): string {
  const cells = [
    result.network.padEnd(10),
    String(result.messages).padStart(8),
    result.acceptedPerSecond.toFixed(0).padStart(12),
    result.deliveredPerSecond.toFixed(0).padStart(13),
    result.p50Ms.toFixed(1).padStart(8),
    result.p99Ms.toFixed(1).padStart(8),
    result.maxMs.toFixed(1).padStart(8),
  ];
  return cells.join(" ");
}

export function registerSimnetBench(simnet: Command): void {
  simnet
    .command("bench")
    .description("measure how many messages per second each simulated network accepts and delivers, and the latency")
    .option("-n, --network <name...>", "networks to measure (default: all)", (value: string, previous: SimnetNetworkId[] = []) => [
      ...previous,
      networkName(value),
    ])
    .option("--messages <n>", "messages to send per network", positiveInteger, 20_000)
    .option("--concurrency <n>", "sends in flight at once", positiveInteger, 64)
    .action((options: BenchOptions) =>
      runCommand(async () => {
        const dataDir = mkdtempSync(join(tmpdir(), "crosschat-simnet-bench-"));
        const adminToken = newToken();
        process.stdout.write(`node ${process.version}, ${options.messages} messages per network, ${options.concurrency} in flight\n`);
        process.stdout.write(`${"network".padEnd(10)} ${"messages".padStart(8)} ${"accepted/s".padStart(12)} ${"delivered/s".padStart(13)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"max ms".padStart(8)}\n`);
        try {
          for (const network of options.network ?? SIMNET_NETWORKS) {
            const { child, url } = await startServerProcess(network, dataDir, adminToken);
            try {
              const result = await benchmarkNetwork(SIMNET_KITS[network], url, adminToken, {
                messages: options.messages,
                concurrency: options.concurrency,
                warmup: Math.min(1000, options.messages),
                timeoutMs: 120_000,
              });
              process.stdout.write(`${formatRow(result)}\n`);
            } finally {
              await stopProcess(child);
            }
          }
        } finally {
          rmSync(dataDir, { recursive: true, force: true });
        }
      }),
    );
}
