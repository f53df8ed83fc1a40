/**
 * What the Instagram tests share: a server started in-process (lenient limits and no random
 * checkpoints unless a test asks), accounts created through the admin API, logged-in clients,
 * realtime connections that collect their events, a clock tests can move, tiny media files, and
 * cleanup of everything in afterEach.
 */
import { afterEach } from "@jest/globals";
import type { NetworkDefinition } from "../../../src/simnet/core/network.js";
import { createInstagramNetwork, type InstagramNetworkOptions } from "../../../src/simnet/instagram/index.js";
import { InstagramAdminClient, type AdminAccount } from "../../../src/simnet/instagram/client/admin.js";
import type { InstagramClient } from "../../../src/simnet/instagram/client/client.js";
import type { PositionedEvent } from "../../../src/simnet/instagram/client/events.js";
import { startLogin } from "../../../src/simnet/instagram/client/login.js";
import type { InstagramRealtime, RealtimeOptions } from "../../../src/simnet/instagram/client/realtime.js";
import { startTestNetwork, type TestNetwork } from "../support/network.js";

export const PASSWORD = "correct horse";

const LENIENT = { sendsPerMinute: 100_000, actionsPerMinute: 100_000, loginAttemptsPerHour: 100_000 };

export function testNetwork(options: InstagramNetworkOptions = {}): NetworkDefinition {
  return createInstagramNetwork({ checkpointRate: 0, ...options, rateLimits: { ...LENIENT, ...options.rateLimits } });
}

/** Tiny files with the right magic numbers. */
export const FILES = {
  png: Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64"),
  jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]),
  mp4: Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from("ftypisom\0\0\x02\0isomiso2", "latin1")]),
  m4a: Buffer.concat([Buffer.from([0, 0, 0, 0x1c]), Buffer.from("ftypM4A \0\0\0\0M4A mp42isom", "latin1")]),
};

/** Collects a realtime connection's updates and waits for particular ones. */
export class Collector {
  readonly events: PositionedEvent[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(readonly realtime: InstagramRealtime) {
    realtime.on("update", (event) => {
      this.events.push(event);
      for (const wake of [...this.waiters]) wake();
    });
  }

  of<T extends PositionedEvent["type"]>(type: T): Extract<PositionedEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<PositionedEvent, { type: T }> => e.type === type);
  }

  /** Resolves once `count` events match (counting those already collected). */
  until(match: (event: PositionedEvent) => boolean, count = 1, timeoutMs = 5000): Promise<PositionedEvent[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.events.filter(match);
        if (found.length < count) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`only ${this.events.filter(match).length} of ${count} matching events within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }
}

export class Harness {
  readonly admin: InstagramAdminClient;
  private readonly realtimes: InstagramRealtime[] = [];

  private constructor(
    readonly net: TestNetwork,
    readonly clock: { offsetMs: number },
  ) {
    this.admin = new InstagramAdminClient(net.url, net.adminToken);
  }

  static async start(definition: NetworkDefinition = testNetwork()): Promise<Harness> {
    const clock = { offsetMs: 0 };
    const harness = new Harness(await startTestNetwork(definition, { now: () => Date.now() + clock.offsetMs }), clock);
    running.push(harness);
    return harness;
  }

  get url(): string {
    return this.net.url;
  }

  account(username: string, extra: { fullName?: string; avatar?: Buffer; checkpoint?: boolean } = {}): Promise<AdminAccount> {
    return this.admin.createAccount({ username, fullName: extra.fullName ?? username, password: PASSWORD, ...extra });
  }

  /** Logs in and expects no checkpoint. */
  async login(username: string, deviceId?: string): Promise<InstagramClient> {
    const step = await startLogin(this.url, { username, password: PASSWORD, ...(deviceId ? { deviceId } : {}) });
    if (step.status !== "ok") throw new Error(`${username} met a checkpoint`);
    return step.client;
  }

  /** A new account, logged in. */
  async user(username: string): Promise<InstagramClient> {
    await this.account(username);
    return this.login(username);
  }

  /** Alice and Bob, logged in, and the direct thread between them. */
  async pair(): Promise<{ alice: InstagramClient; bob: InstagramClient; thread_id: string }> {
    const alice = await this.user("alice");
    const bob = await this.user("bob");
    return { alice, bob, thread_id: (await alice.directThread({ username: "bob" })).thread_id };
  }

  /** A started realtime connection with a collector; closed after the test. */
  async listen(client: InstagramClient, options: RealtimeOptions = {}): Promise<Collector> {
    const realtime = client.realtime({ reconnectInitialMs: 20, reconnectMaxMs: 200, ackDelayMs: 10, ...options });
    this.realtimes.push(realtime);
    const collector = new Collector(realtime);
    await realtime.start();
    return collector;
  }

  /** Tracks a connection made elsewhere so it is closed after the test. */
  track(realtime: InstagramRealtime): InstagramRealtime {
    this.realtimes.push(realtime);
    return realtime;
  }

  async stop(): Promise<void> {
    await Promise.all(this.realtimes.map((realtime) => realtime.close()));
    this.admin.close();
    await this.net.stop();
  }
}

const running: Harness[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((harness) => harness.stop()));
});

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
