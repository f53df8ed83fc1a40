/**
 * Bad input cannot break a simulated network: thousands of mutated requests and realtime frames,
 * built from valid examples each network supplies, then an ordinary exchange between two users
 * must still work. Any 5xx answer or internal error log counts as a failure: bad input deserves a
 * 4xx naming what was wrong. The seed is fixed so a failure replays; set FUZZ_SEED to explore.
 */
import { afterAll, describe, expect, it } from "@jest/globals";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentEvent, FuzzSeedRequest, FuzzSeeds } from "../../src/simnet/client/agent.js";
import { createAndLogin } from "../../src/simnet/client/accounts.js";
import { FrameSocket } from "../../src/simnet/client/socket.js";
import type { SimnetLogger, SimnetNetworkId } from "../../src/simnet/core/network.js";
import { startNetworkServer } from "../../src/simnet/core/server.js";
import { networkDefinition, SIMNET_KITS, SIMNET_NETWORKS } from "../../src/simnet/networks.js";
import { brokenText, mutateJson, mutatePath, pick, seededRandom, type Random } from "./support/mutations.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20261121);
const HTTP_CASES = 1500;
const FRAME_CASES = 2500;
const ADMIN = "fuzz-admin-token";

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function capturingLogger(errors: string[]): SimnetLogger {
  return { info: () => {}, warn: () => {}, error: (message, meta) => errors.push(`${message} ${JSON.stringify(meta ?? {})}`) };
}

function mutatedRequest(random: Random, seed: FuzzSeedRequest): { method: string; path: string; body?: string; headers: Record<string, string> } {
  const headers = { "content-type": "application/json", ...seed.headers };
  const valid = seed.body === undefined ? "" : JSON.stringify(seed.body);
  const roll = random();
  if (roll < 0.6) return { method: seed.method, path: seed.path, body: JSON.stringify(mutateJson(random, seed.body ?? {})), headers };
  if (roll < 0.75) return { method: seed.method, path: seed.path, body: brokenText(random, valid || "{}"), headers };
  if (roll < 0.9) return { method: seed.method, path: mutatePath(random, seed.path), ...(valid ? { body: valid } : {}), headers };
  const { authorization: _dropped, ...anonymous } = headers as Record<string, string>;
  const wrongAuth = random() < 0.5 ? anonymous : { ...anonymous, authorization: `Bearer ${pick(random, ["x", "", "Bearer", "a".repeat(500)])}` };
  return { method: seed.method, path: seed.path, ...(valid ? { body: valid } : {}), headers: wrongAuth };
}

async function fuzzHttp(url: string, seeds: FuzzSeeds, random: Random): Promise<{ serverErrors: string[]; statuses: Map<number, number> }> {
  const serverErrors: string[] = [];
  const statuses = new Map<number, number>();
  for (let i = 0; i < HTTP_CASES; i++) {
    const request = mutatedRequest(random, pick(random, seeds.requests));
    const response = await fetch(`${url}${request.path}`, {
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined && request.method !== "GET" ? { body: request.body } : {}),
    });
    await response.arrayBuffer();
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    if (response.status >= 500) serverErrors.push(`${response.status} for ${request.method} ${request.path.slice(0, 80)} ${String(request.body).slice(0, 200)}`);
  }
  return { serverErrors, statuses };
}

async function openRealtime(seeds: FuzzSeeds): Promise<FrameSocket> {
  const socket = await FrameSocket.open(seeds.realtimeUrl);
  for (const frame of seeds.openingFrames) socket.send(frame);
  return socket;
}

function badFrame(random: Random, seeds: FuzzSeeds): string | Buffer {
  const valid = pick(random, seeds.frames);
  const roll = random();
  if (roll < 0.75) return JSON.stringify(mutateJson(random, valid));
  if (roll < 0.93) return brokenText(random, JSON.stringify(valid));
  if (roll < 0.98) return Buffer.from(Array.from({ length: 32 }, () => Math.floor(random() * 256)));
  return "x".repeat(8 * 1024 * 1024); // past every network's frame limit: the server closes the socket
}

async function fuzzRealtime(seeds: FuzzSeeds, random: Random): Promise<void> {
  let socket = await openRealtime(seeds);
  for (let i = 0; i < FRAME_CASES; i++) {
    if (!socket.isOpen) socket = await openRealtime(seeds);
    socket.sendRaw(badFrame(random, seeds));
    // Let the server keep up now and then, so frames are handled rather than only buffered.
    if (i % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await socket.close();
  // Connections with broken or missing credentials in the URL.
  for (let i = 0; i < 20; i++) {
    const url = new URL(seeds.realtimeUrl);
    for (const key of [...url.searchParams.keys()]) url.searchParams.set(key, pick(random, ["", "wrong", "%", "-1"]));
    const attempt = await FrameSocket.open(url.toString()).catch(() => undefined);
    attempt?.sendRaw(JSON.stringify(pick(random, seeds.frames)));
    await attempt?.close();
  }
}

describe.each(SIMNET_NETWORKS.map((network) => [network]))("fuzzing the %s simulation", (network: SimnetNetworkId) => {
  it("answers thousands of mutated requests and frames without a server error and still serves a normal exchange", async () => {
    const dir = mkdtempSync(join(tmpdir(), `simnet-fuzz-${network}-`));
    dirs.push(dir);
    const errors: string[] = [];
    const server = await startNetworkServer(networkDefinition(network), {
      databasePath: join(dir, "net.db"),
      adminToken: ADMIN,
      logger: capturingLogger(errors),
    });
    const kit = SIMNET_KITS[network];
    const alice = await createAndLogin(kit, server.url, ADMIN, "Alice Fuzz");
    const bob = await createAndLogin(kit, server.url, ADMIN, "Bob Fuzz");
    try {
      // A chat with a message first, so the seeds name real chats and messages and mutations
      // reach the rules behind them, not only "no such chat".
      const chat = await bob.agent.startDirectChat(alice.handle);
      await bob.agent.send(chat.id, "before the fuzzing");
      const random = seededRandom(SEED);
      const seeds = await kit.fuzzSeeds(alice.agent);
      expect(seeds.requests.length).toBeGreaterThan(0);
      expect(seeds.frames.length).toBeGreaterThan(0);

      const { serverErrors, statuses } = await fuzzHttp(server.url, seeds, random);
      if (process.env.FUZZ_VERBOSE) process.stdout.write(`${network} statuses: ${JSON.stringify([...statuses])}\n`);
      // The mutations must get past authentication into validation, or the test proves little.
      expect(statuses.get(400) ?? 0).toBeGreaterThan(HTTP_CASES / 4);
      await fuzzRealtime(seeds, random);
      expect(serverErrors.slice(0, 5)).toEqual([]);
      expect(errors.slice(0, 5)).toEqual([]);

      let heard: AgentEvent | undefined;
      let resolveArrived!: () => void;
      const arrived = new Promise<void>((resolve) => (resolveArrived = resolve));
      const stopListening = await alice.agent.listen((event) => {
        if (event.kind !== "message" || event.text !== "still here after the fuzzing") return;
        heard = event;
        resolveArrived();
      });
      await bob.agent.send(chat.id, "still here after the fuzzing");
      await arrived;
      await stopListening();
      expect(heard?.sender).toBe(bob.agent.userId);
    } finally {
      await Promise.all([alice.agent.close(), bob.agent.close()]);
      await server.stop();
    }
  }, 120_000);
});
