/**
 * `crosschat simnet create-account` and `crosschat simnet code`: the admin API calls a person
 * needs to set up a demo from the shell, with the admin token found where `simnet run` keeps it.
 */
import type { Command } from "commander";
import type { SimnetNetworkId } from "../../simnet/core/network.js";
import { SIMNET_KITS } from "../../simnet/networks.js";
import { storedAdminToken } from "../../simnet/run.js";
import { runCommand, UsageError } from "../failures.js";
import { DEFAULT_SIMNET_DATA, defaultUrl, networkName } from "./options.js";

interface AdminOptions {
  data: string;
  url?: string;
  adminToken?: string;
}

function adminTarget(network: SimnetNetworkId, options: AdminOptions): { url: string; token: string } {
  const token = options.adminToken ?? process.env.CROSSCHAT_SIMNET_ADMIN_TOKEN ?? storedAdminToken(options.data);
  return { url: options.url ?? defaultUrl(network), token };
}

function withAdminOptions(command: Command): Command {
  return command
    .option("-d, --data <dir>", "the simnet data folder (where the admin token is kept)", DEFAULT_SIMNET_DATA)
    .option("--url <url>", "the network's address (default: its standard local port)")
    .option("--admin-token <token>", "the admin API token (default: env CROSSCHAT_SIMNET_ADMIN_TOKEN, then <data>/admin-token)");
}

export function registerSimnetAdmin(simnet: Command): void {
  withAdminOptions(
    simnet
      .command("create-account")
      .description("create an account on a simulated network (prints its id, handle and password)")
      .argument("<network>", "whatsapp, messenger or instagram", networkName)
      .requiredOption("--name <name>", "full name or push name")
      .option("--handle <handle>", "phone number, email or username (default: one is made up)")
      .option("--password <password>", "password, where the network has them (default: one is made up)"),
  ).action((network: SimnetNetworkId, options: AdminOptions & { name: string; handle?: string; password?: string }) =>
    runCommand(async () => {
      const { url, token } = adminTarget(network, options);
      const account = await SIMNET_KITS[network].createAccount(url, token, {
        name: options.name,
        ...(options.handle !== undefined ? { handle: options.handle } : {}),
        ...(options.password !== undefined ? { password: options.password } : {}),
      });
      process.stdout.write(`${JSON.stringify(account, null, 2)}\n`);
    }),
  );

  withAdminOptions(
    simnet
      .command("code")
      .description("show the pending login code (SMS, 2FA, checkpoint) sent to a handle")
      .argument("<network>", "whatsapp, messenger or instagram", networkName)
      .argument("<handle>", "the phone number, email or username that is logging in"),
  ).action((network: SimnetNetworkId, handle: string, options: AdminOptions) =>
    runCommand(async () => {
      const { url, token } = adminTarget(network, options);
      const code = await SIMNET_KITS[network].pendingCode(url, token, handle);
      if (code === undefined) throw new UsageError(`no login code is pending for ${handle} on ${network}`);
      process.stdout.write(`${code}\n`);
    }),
  );
}
