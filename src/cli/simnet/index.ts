/** `crosschat simnet`: run, use, administer and measure the simulated networks. */
import type { Command } from "commander";
import { registerSimnetAdmin } from "./admin.js";
import { registerSimnetBench } from "./bench.js";
import { registerSimnetRun } from "./run.js";
import { registerSimnetUser } from "./user.js";

export function registerSimnet(program: Command): void {
  const simnet = program
    .command("simnet")
    .description("the simulated WhatsApp, Messenger and Instagram networks: run them, chat on them, measure them");
  registerSimnetRun(simnet);
  registerSimnetUser(simnet);
  registerSimnetAdmin(simnet);
  registerSimnetBench(simnet);
}
