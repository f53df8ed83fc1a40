/**
 * A simulated network as tests see it: its simulated server, and people who use it through
 * the network's own client (the simnet UserAgent facade, the same on every network). Nothing here
 * is specific to one network; the conformance suite, the network-specific integration tests and
 * the facade's own simnet tests share it.
 */
import { afterEach } from "@jest/globals";
import type { AgentEvent, UserAgent } from "../../src/simnet/client/agent.js";
import type { NetworkDefinition, SimnetNetworkId } from "../../src/simnet/core/network.js";
import { networkDefinition, SIMNET_KITS } from "../../src/simnet/networks.js";
import { startTestNetwork, type TestNetwork } from "../simnet/support/network.js";

export interface Person {
  readonly id: string;
  readonly name: string;
  readonly handle: string;
  readonly password?: string;
  readonly agent: UserAgent;
  /** Everything the person's client received, oldest first. */
  readonly events: AgentEvent[];
  /** Resolves with the first received event matching `match` (already there or still to come). */
  waitFor(match: (event: AgentEvent) => boolean, what: string, timeoutMs?: number): Promise<AgentEvent>;
}

export interface SimulatedNetwork {
  id: SimnetNetworkId;
  net: TestNetwork;
  person(name: string): Promise<Person>;
  /** A login code the network sent for `handle` (SMS, 2FA, checkpoint), read through the admin API. */
  pendingCode(handle: string): Promise<string | undefined>;
  /** Fault injection: drops every realtime connection (clients and the bridge reconnect). */
  dropConnections(): Promise<void>;
  /**
   * Sets the network server's clock `ms` away from real time (0: real time again). The bridge
   * keeps real time, so a message the network stamps while its clock runs behind is that much
   * older once the clock is back.
   */
  setClockOffset(ms: number): void;
}

const agents: UserAgent[] = [];
const networks: TestNetwork[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.close().catch(() => undefined)));
  await Promise.all(networks.splice(0).map((net) => net.stop()));
});

/** The network `id`, without per-account rate limits unless `definition` brings its own. */
export async function simulatedNetwork(id: SimnetNetworkId, definition: NetworkDefinition = networkDefinition(id, { unlimitedRates: true })): Promise<SimulatedNetwork> {
  const clock = { offsetMs: 0 };
  const net = await startTestNetwork(definition, { now: () => Date.now() + clock.offsetMs });
  networks.push(net);
  const kit = SIMNET_KITS[id];
  const pendingCode = (handle: string) => kit.pendingCode(net.url, net.adminToken, handle);
  return {
    id,
    net,
    pendingCode,
    async person(name) {
      const account = await kit.createAccount(net.url, net.adminToken, { name });
      const agent = await kit.login(net.url, { handle: account.handle, ...(account.password ? { password: account.password } : {}) }, async () => (await pendingCode(account.handle)) ?? "");
      agents.push(agent);
      const events: AgentEvent[] = [];
      const waiters = new Set<() => void>();
      await agent.listen((event) => {
        events.push(event);
        for (const wake of [...waiters]) wake();
      });
      return {
        id: agent.userId,
        name,
        handle: account.handle,
        ...(account.password ? { password: account.password } : {}),
        agent,
        events,
        waitFor(match, what, timeoutMs = 30_000) {
          return new Promise((resolve, reject) => {
            const check = () => {
              const found = events.find(match);
              if (!found) return;
              clearTimeout(timer);
              waiters.delete(check);
              resolve(found);
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              reject(new Error(`${name} on ${id} received no ${what} within ${timeoutMs} ms`));
            }, timeoutMs);
            waiters.add(check);
            check();
          });
        },
      };
    },
    async dropConnections() {
      const answer = await fetch(`${net.url}/admin/faults/drop-connections`, {
        method: "POST",
        headers: { authorization: `Bearer ${net.adminToken}`, "content-type": "application/json" },
        body: "{}",
      });
      if (!answer.ok) throw new Error(`dropping connections failed: ${answer.status}`);
    },
    setClockOffset(ms) {
      clock.offsetMs = ms;
    },
  };
}
