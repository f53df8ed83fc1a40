/**
 * What the Messenger tests share: a network started per test (closed, with every client, after
 * it), accounts made through the admin API, logged-in clients, a clock tests can move forward,
 * and a collector that waits for deltas as they arrive.
 */
import { afterEach } from "@jest/globals";
import { SimnetRequestError } from "../../../src/simnet/client/http.js";
import type { NetworkDefinition } from "../../../src/simnet/core/network.js";
import { FrameSocket } from "../../../src/simnet/client/socket.js";
import { messengerNetwork } from "../../../src/simnet/messenger/index.js";
import {
  MessengerAdminClient,
  MessengerClient,
  type ClientOptions,
  type DeltaEvent,
  type MessengerDelta,
  type MessengerRealtime,
  type RealtimeEvents,
  type WireAccount,
} from "../../../src/simnet/messenger/client/index.js";
import { startTestNetwork, type TestNetwork } from "../support/network.js";

/** Real time plus whatever a test skipped ahead. */
export class TestClock {
  offsetMs = 0;
  readonly now = () => Date.now() + this.offsetMs;
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface TestUser {
  account: WireAccount;
  email: string;
  password: string;
}

/** Retrying off, so a test sees each refusal as it happens. */
export const NO_RETRY: ClientOptions = { retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 }, realtime: { ackDelayMs: 5, backoff: { initialMs: 20, maxMs: 200 } } };
export const FAST_RETRY: ClientOptions = { retry: { attempts: 6, baseDelayMs: 20, maxDelayMs: 3_000 }, realtime: { ackDelayMs: 5, backoff: { initialMs: 20, maxMs: 200 } } };

export class MessengerWorld {
  readonly admin: MessengerAdminClient;
  private readonly clients: MessengerClient[] = [];
  private counter = 0;

  constructor(readonly net: TestNetwork) {
    this.admin = new MessengerAdminClient(net.url, net.adminToken);
  }

  get url(): string {
    return this.net.url;
  }

  async user(name: string, options: { twoFactor?: boolean } = {}): Promise<TestUser> {
    this.counter += 1;
    const email = `${name.toLowerCase().replace(/\W+/g, ".")}.${this.counter}@example.com`;
    const password = `pw-${name}-${this.counter}`;
    const account = await this.admin.createAccount({ name, email, password, ...(options.twoFactor ? { twoFactor: true } : {}) });
    return { account, email, password };
  }

  async login(user: TestUser, options: ClientOptions = NO_RETRY, deviceName = "test device"): Promise<MessengerClient> {
    const client = await MessengerClient.login(this.url, { email: user.email, password: user.password, deviceName }, async () => {
      const [pending] = await this.admin.pendingCodes({ email: user.email });
      if (!pending) throw new Error("no pending code");
      return pending.code;
    }, options);
    return this.track(client);
  }

  track(client: MessengerClient): MessengerClient {
    this.clients.push(client);
    return client;
  }

  /** Bob, online with his delta stream, and Alice, logged in, about to write to him. */
  async pair(options: ClientOptions = NO_RETRY): Promise<{ bob: Awaited<ReturnType<MessengerWorld["online"]>>; alice: MessengerClient; toBob: string }> {
    const bob = await this.online("Bob", options);
    const alice = await this.login(await this.user("Alice"), options);
    return { bob, alice, toBob: bob.user.account.id };
  }

  /** Logs in a new user and starts their delta stream. */
  async online(name: string, options: ClientOptions = NO_RETRY): Promise<{ user: TestUser; client: MessengerClient; deltas: DeltaCollector }> {
    const user = await this.user(name);
    const client = await this.login(user, options);
    const deltas = new DeltaCollector(client.realtime());
    await client.realtime().start();
    return { user, client, deltas };
  }

  /**
   * Restarts the server on the same file and port. The pause lets the HTTP agents see
   * that its kept-alive connections were closed, so the next admin call opens a fresh one.
   */
  async restart(): Promise<void> {
    await this.net.restart();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((c) => c.close()));
    this.admin.close();
    await this.net.stop();
  }
}

/** Starts a network for each test of the file and closes it afterwards. */
export function useMessenger(definition: NetworkDefinition = messengerNetwork, options: { now?: () => number } = {}): () => Promise<MessengerWorld> {
  const worlds: MessengerWorld[] = [];
  afterEach(async () => {
    await Promise.all(worlds.splice(0).map((w) => w.close()));
  });
  return async () => {
    const world = new MessengerWorld(await startTestNetwork(definition, options));
    worlds.push(world);
    return world;
  };
}

/** A request as raw as a client can make it, answered with its status and error body. */
export async function call(world: MessengerWorld, method: string, path: string, options: { token?: string; raw?: string; body?: unknown } = {}) {
  const response = await fetch(`${world.url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
    ...(options.raw !== undefined || options.body !== undefined ? { body: options.raw ?? JSON.stringify(options.body) } : {}),
  });
  const body = (await response.json()) as { error?: { code: string; message: string; type: string; fbtrace_id: string; problems?: string[] } };
  return { status: response.status, error: body.error };
}

/** The [status, code] a request was refused with; fails if it was not refused. */
export async function refusal(promise: Promise<unknown>): Promise<[number, string]> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof SimnetRequestError)) throw new Error(`expected a refused request, got ${String(error)}`);
  return [error.status, error.code];
}

export async function sendTexts(client: MessengerClient, thread: string, texts: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const text of texts) ids.push((await client.api.send(thread, { text })).message_id);
  return ids;
}

type DeltaOf<T extends MessengerDelta["type"]> = Extract<MessengerDelta, { type: T }>;

/** Records a stream's deltas and lets a test wait for the one it expects. */
export class DeltaCollector {
  readonly events: DeltaEvent[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(stream: MessengerRealtime) {
    stream.on("delta", (event) => {
      this.events.push(event);
      for (const wake of [...this.waiters]) wake();
    });
  }

  get deltas(): MessengerDelta[] {
    return this.events.map((e) => e.delta);
  }

  ofType<T extends MessengerDelta["type"]>(type: T): DeltaOf<T>[] {
    return this.deltas.filter((d): d is DeltaOf<T> => d.type === type);
  }

  /** Resolves with the first delta (seen or to come) of `type` that matches. */
  next<T extends MessengerDelta["type"]>(type: T, match: (delta: DeltaOf<T>) => boolean = () => true, timeoutMs = 5_000): Promise<DeltaOf<T>> {
    return this.until(() => this.ofType(type).find(match), `a ${type} delta`, timeoutMs);
  }

  /** Resolves once `count` deltas have arrived. */
  count(count: number, timeoutMs = 5_000): Promise<DeltaEvent[]> {
    return this.until(() => (this.events.length >= count ? this.events : undefined), `${count} deltas (have ${this.events.length})`, timeoutMs);
  }

  private until<R>(check: () => R | undefined, what: string, timeoutMs: number): Promise<R> {
    const found = check();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const wake = () => {
        const value = check();
        if (value === undefined) return;
        this.waiters.delete(wake);
        clearTimeout(timer);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      this.waiters.add(wake);
    });
  }
}

/** Resolves with the next event of that name `stream` emits. */
export function nextEvent<K extends keyof RealtimeEvents>(stream: MessengerRealtime, event: K, timeoutMs = 5_000): Promise<RealtimeEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${String(event)}`));
    }, timeoutMs);
    const listener = (payload: RealtimeEvents[K]) => {
      clearTimeout(timer);
      off();
      resolve(payload);
    };
    const off = stream.on(event, listener);
  });
}

type Frame = Record<string, unknown>;

/**
 * A raw realtime socket that keeps every frame it received, so a test can wait for one that
 * may already have arrived (several frames often come in one read).
 */
export class RawStream {
  readonly frames: Frame[] = [];
  private constructor(readonly socket: FrameSocket) {
    socket.onFrame((frame) => this.frames.push(frame));
  }

  static async open(url: string, connect?: Frame): Promise<RawStream> {
    const stream = new RawStream(await FrameSocket.open(`${url}/chat`));
    if (connect) stream.socket.send({ type: "connect", ...connect });
    return stream;
  }

  send(frame: unknown): void {
    this.socket.send(frame);
  }

  /** The first frame received after the `skip` first ones that matches. */
  async next(match: (frame: Frame) => boolean, skip = 0, timeoutMs = 5_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.slice(skip).find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames).slice(0, 500)}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  closed(): Promise<{ code: number; reason: string }> {
    const closed = this.socket.closed;
    if (closed) return Promise.resolve(closed);
    return new Promise((resolve) => this.socket.onClose((code, reason) => resolve({ code, reason })));
  }

  close(): void {
    this.socket.terminate();
  }
}
