/** Option parsing shared by the `crosschat simnet` subcommands. */
import { InvalidArgumentError } from "commander";
import type { SimnetNetworkId } from "../../simnet/core/network.js";
import { isSimnetNetwork, SIMNET_NETWORKS } from "../../simnet/networks.js";
import { DEFAULT_SIMNET_PORTS } from "../../simnet/run.js";

export const DEFAULT_SIMNET_DATA = ".crosschat-simnet";

export function networkName(value: string): SimnetNetworkId {
  if (!isSimnetNetwork(value)) throw new InvalidArgumentError(`expected one of ${SIMNET_NETWORKS.join(", ")}`);
  return value;
}

export function portOrZero(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError("expected a port from 0 (any free port) to 65535");
  return port;
}

export function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError("expected a positive whole number");
  return number;
}

/** Where a network runs when `crosschat simnet` was started with its defaults. */
export function defaultUrl(network: SimnetNetworkId): string {
  return `http://127.0.0.1:${DEFAULT_SIMNET_PORTS[network]}`;
}
