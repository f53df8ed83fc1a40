/**
 * The shared simnet server, exercised through a minimal network defined here (a stream per
 * token, one send route, a realtime socket that resumes from `after`): admin API, error
 * answers, fault injection, ordered delivery and resume, persistence across a restart.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WebSocket } from "ws";
import { StreamPump } from "../../../src/simnet/core/delivery.js";
import type { NetworkDefinition } from "../../../src/simnet/core/network.js";
import { badRequest, unauthorized } from "../../../src/simnet/core/protocol-error.js";
import { startNetworkServer, type RunningNetworkServer } from "../../../src/simnet/core/server.js";

const ADMIN = "admin-secret-for-tests";

const fixtureNetwork: NetworkDefinition = {
  id: "messenger",
  schema: [],
  retention: { maxEventsPerStream: 1000, maxAgeMs: 86_400_000 },
  maxBodyBytes: 1024,
  maxFrameBytes: 1024,
  realtimePath: "/realtime",
  renderError: (error) => ({ error: { code: error.code, message: error.message } }),
  setup({ streams, faults, clientRoutes }) {
    clientRoutes.add("POST", "/send", ({ token, body }) => {
      if (!token) throw unauthorized();
      const text = (body as { text?: unknown } | undefined)?.text;
      if (typeof text !== "string") throw badRequest("invalid_text", "'text' must be a string");
      return { body: { seq: streams.append(`acct:${token}`, "message", { text }).seq } };
    });
    return {
      onRealtime({ socket, query }) {
        const pump = new StreamPump({
          streams,
          faults,
          stream: `acct:${query.get("token") ?? ""}`,
          after: Number(query.get("after") ?? 0),
          send: (event) => socket.send(JSON.stringify({ seq: event.seq, payload: event.payload })),
          onGap: (firstRetained) => socket.close(4000, `resync from ${firstRetained}`),
        });
        pump.start();
        socket.on("close", () => pump.stop());
      },
    };
  },
};

const dirs: string[] = [];
const servers: RunningNetworkServer[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  sockets.splice(0).forEach((s) => s.terminate());
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

async function start(databasePath?: string): Promise<RunningNetworkServer> {
  let path = databasePath;
  if (!path) {
    const dir = mkdtempSync(join(tmpdir(), "simnet-server-"));
    dirs.push(dir);
    path = join(dir, "net.db");
  }
  const server = await startNetworkServer(fixtureNetwork, { databasePath: path, adminToken: ADMIN });
  servers.push(server);
  return server;
}

function call(server: RunningNetworkServer, method: string, path: string, options: { token?: string; body?: unknown; raw?: string } = {}) {
  return fetch(`${server.url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
    ...(options.raw !== undefined || options.body !== undefined ? { body: options.raw ?? JSON.stringify(options.body) } : {}),
  });
}

const send = (server: RunningNetworkServer, text: string) => call(server, "POST", "/send", { token: "alice", body: { text } });
const admin = (server: RunningNetworkServer, path: string, body: unknown = {}) =>
  call(server, "POST", `/admin/faults/${path}`, { token: ADMIN, body });

/** Opens the realtime socket and collects frames until `count` have arrived. */
function receive(server: RunningNetworkServer, after: number, count: number) {
  const socket = new WebSocket(`${server.url.replace("http", "ws")}/realtime?token=alice&after=${after}`);
  sockets.push(socket);
  const frames: { seq: number; payload: { text: string } }[] = [];
  const done = new Promise<typeof frames>((resolve, reject) => {
    socket.on("message", (data: Buffer) => {
      frames.push(JSON.parse(data.toString()) as (typeof frames)[number]);
      if (frames.length === count) resolve(frames);
    });
    socket.on("error", reject);
    socket.on("close", (code, reason) => {
      if (frames.length < count) reject(new Error(`closed (${code} ${reason.toString()}) after ${frames.length} frames`));
    });
  });
  return { socket, frames, done };
}

describe("the simnet server", () => {
  it("answers client requests through the network's routes", async () => {
    const server = await start();
    const response = await send(server, "hi");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ seq: 1 });
  });

  it("renders bad requests in the network's error format instead of failing", async () => {
    const server = await start();
    const errorOf = async (response: Response) => [response.status, ((await response.json()) as { error: { code: string } }).error.code];
    expect(await errorOf(await call(server, "GET", "/nowhere"))).toEqual([404, "unknown_endpoint"]);
    expect(await errorOf(await call(server, "GET", "/send"))).toEqual([405, "method_not_allowed"]);
    expect(await errorOf(await call(server, "POST", "/send", { token: "alice", raw: "{oops" }))).toEqual([400, "malformed_json"]);
    expect(await errorOf(await call(server, "POST", "/send", { token: "alice", raw: JSON.stringify({ text: "x".repeat(2000) }) }))).toEqual([
      413,
      "payload_too_large",
    ]);
    expect(await errorOf(await call(server, "POST", "/send", { body: { text: "no token" } }))).toEqual([401, "unauthorized"]);
    expect((await send(server, "still serving")).status).toBe(200);
  });

  it("keeps the admin API behind the admin token", async () => {
    const server = await start();
    expect((await call(server, "GET", "/admin/faults")).status).toBe(401);
    expect((await call(server, "GET", "/admin/faults", { token: "guess" })).status).toBe(401);
    expect((await call(server, "GET", "/admin/faults", { token: ADMIN })).status).toBe(200);
  });

  it("fails the next N client requests with 429 and Retry-After when told to, then recovers", async () => {
    const server = await start();
    await admin(server, "fail-requests", { count: 2, status: 429, retry_after: 7 });
    const first = await send(server, "a");
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("7");
    expect((await send(server, "b")).status).toBe(429);
    expect((await send(server, "c")).status).toBe(200);
  });

  it("fails the next request with 500 when told to", async () => {
    const server = await start();
    await admin(server, "fail-requests", { count: 1 });
    expect((await send(server, "a")).status).toBe(500);
    expect((await send(server, "b")).status).toBe(200);
  });

  it("refuses requests and realtime connections for a while, but not the admin API", async () => {
    const server = await start();
    await admin(server, "refuse-connections", { seconds: 30 });
    const refused = await send(server, "a");
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const { done } = receive(server, 0, 1);
    await expect(done).rejects.toThrow(/503/);
    expect((await call(server, "DELETE", "/admin/faults", { token: ADMIN })).status).toBe(200);
    expect((await send(server, "b")).status).toBe(200);
  });

  it("rejects fault settings that make no sense", async () => {
    const server = await start();
    expect((await admin(server, "fail-requests", { count: 1, status: 418 })).status).toBe(400);
    expect((await admin(server, "refuse-connections", { seconds: -1 })).status).toBe(400);
    expect((await admin(server, "delay-deliveries", {})).status).toBe(400);
  });

  it("delivers the backlog after the client's position and then live events, in order", async () => {
    const server = await start();
    for (const text of ["one", "two", "three"]) await send(server, text);
    const live = receive(server, 1, 3);
    await new Promise((resolve) => live.socket.once("open", resolve));
    await send(server, "four");
    expect((await live.done).map((f) => [f.seq, f.payload.text])).toEqual([
      [2, "two"],
      [3, "three"],
      [4, "four"],
    ]);
  });

  it("loses nothing across dropped connections: a client resuming from its last seen position gets the rest", async () => {
    const server = await start();
    const first = receive(server, 0, 2);
    await new Promise((resolve) => first.socket.once("open", resolve));
    await send(server, "a");
    await send(server, "b");
    await first.done;
    expect((await (await admin(server, "drop-connections")).json()) as unknown).toEqual({ dropped: 1 });
    for (const text of ["c", "d", "e"]) await send(server, text);
    const resumed = receive(server, 2, 3);
    expect((await resumed.done).map((f) => f.payload.text)).toEqual(["c", "d", "e"]);
  });

  it("delivers the next N events twice, with the same sequence numbers, when told to", async () => {
    const server = await start();
    await admin(server, "duplicate-deliveries", { count: 1 });
    await send(server, "a");
    await send(server, "b");
    const { done } = receive(server, 0, 3);
    expect((await done).map((f) => f.seq)).toEqual([1, 1, 2]);
  });

  it("delays deliveries when told to", async () => {
    const server = await start();
    await admin(server, "delay-deliveries", { ms: 150 });
    await send(server, "slow");
    const started = Date.now();
    await receive(server, 0, 1).done;
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("keeps undelivered events across a server restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "simnet-restart-"));
    dirs.push(dir);
    const path = join(dir, "net.db");
    const first = await start(path);
    await send(first, "sent before the restart");
    await first.stop();
    const second = await start(path);
    expect((await receive(second, 0, 1).done)[0]?.payload.text).toBe("sent before the restart");
  });
});
