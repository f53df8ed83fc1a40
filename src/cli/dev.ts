import type { Command } from "commander";
import { connectionInstructions, startDevEnvironment } from "../devenv/dev-environment.js";
import { runCommand } from "./failures.js";
import { stopOnSignal } from "./signals.js";

export function registerDev(program: Command): void {
  program
    .command("dev")
    .description("run a local Synapse and the bridge with generated config, for trying crosschat out")
    .option("-d, --data <dir>", "folder for the config, registration, database and Synapse data", ".crosschat-dev")
    .option("--homeserver-port <port>", "loopback port for Synapse's client API (first run only)", "8008")
    .option("--appservice-port <port>", "loopback port the bridge listens on (first run only)", "29340")
    .action((options: { data: string; homeserverPort: string; appservicePort: string }) =>
      runCommand(async () => {
        const env = await startDevEnvironment({
          dataDir: options.data,
          homeserverPort: Number(options.homeserverPort),
          appservicePort: Number(options.appservicePort),
        });
        process.stdout.write(connectionInstructions(env, options.data));
        await stopOnSignal(env.app);
        await env.synapse.stop();
      }),
    );
}
