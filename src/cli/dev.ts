import { InvalidArgumentError, type Command } from "commander";
import { runCommand } from "./failures.js";
import { stopOnSignal } from "./signals.js";

function portNumber(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError("expected a port from 1 to 65535");
  return port;
}

export function registerDev(program: Command): void {
  program
    .command("dev")
    .description("run a local Synapse and the bridge with generated config, for trying crosschat out")
    .option("-d, --data <dir>", "folder for the config, registration, database and Synapse data", ".crosschat-dev")
    .option("--homeserver-port <port>", "loopback port for Synapse's client API (first run only)", portNumber, 8008)
    .option("--appservice-port <port>", "loopback port the bridge listens on (first run only)", portNumber, 29340)
    .action((options: { data: string; homeserverPort: number; appservicePort: number }) =>
      runCommand(async () => {
        // Loaded on use, as in start.ts: the Matrix libraries are slow to load.
        const { connectionInstructions, startDevEnvironment } = await import("../devenv/dev-environment.js");
        const env = await startDevEnvironment({
          dataDir: options.data,
          homeserverPort: options.homeserverPort,
          appservicePort: options.appservicePort,
        });
        process.stdout.write(connectionInstructions(env, options.data));
        await stopOnSignal(env.app);
        await env.simnet?.stop();
        await env.synapse.stop();
      }),
    );
}
