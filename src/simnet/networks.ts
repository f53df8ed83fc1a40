/**
 * The three simulated networks by id: their server definitions (with the options a demo or a
 * benchmark may change), their client kits and their interoperability kits. The one place that knows all three.
 */
import type { NetworkDefinition, SimnetNetworkId } from "./core/network.js";
import type { UserClientKit } from "./client/agent.js";
import type { InteropKit } from "./client/interop.js";
import { createWhatsappNetwork } from "./whatsapp/index.js";
import { whatsappKit } from "./whatsapp/client/kit.js";
import { whatsappInteropKit } from "./whatsapp/client/interop.js";
import { createMessengerNetwork } from "./messenger/index.js";
import { messengerKit } from "./messenger/client/kit.js";
import { messengerInteropKit } from "./messenger/client/interop.js";
import { createInstagramNetwork } from "./instagram/index.js";
import { instagramKit } from "./instagram/client/kit.js";
import { instagramInteropKit } from "./instagram/client/interop.js";

export const SIMNET_NETWORKS: readonly SimnetNetworkId[] = ["whatsapp", "messenger", "instagram"];

export interface NetworkVariant {
  /** Lift per-account send and action limits (not login throttles), for benchmarks and load demos. */
  unlimitedRates?: boolean;
}

/** Far above anything a loopback benchmark can send. */
const UNLIMITED = { sendsPerMinute: 100_000_000, actionsPerMinute: 100_000_000 };

export function networkDefinition(id: SimnetNetworkId, variant: NetworkVariant = {}): NetworkDefinition {
  const rateLimits = variant.unlimitedRates ? { rateLimits: UNLIMITED } : {};
  switch (id) {
    case "whatsapp":
      return createWhatsappNetwork(rateLimits);
    case "messenger":
      return createMessengerNetwork(rateLimits);
    case "instagram":
      return createInstagramNetwork(rateLimits);
  }
}

export const SIMNET_KITS: Readonly<Record<SimnetNetworkId, UserClientKit>> = {
  whatsapp: whatsappKit,
  messenger: messengerKit,
  instagram: instagramKit,
};

/** Each network's interoperability API as a third-party provider uses it (docs/simnet/interop.md). */
export const SIMNET_INTEROP_KITS: Readonly<Record<SimnetNetworkId, InteropKit>> = {
  whatsapp: whatsappInteropKit,
  messenger: messengerInteropKit,
  instagram: instagramInteropKit,
};

export function isSimnetNetwork(value: string): value is SimnetNetworkId {
  return (SIMNET_NETWORKS as readonly string[]).includes(value);
}
