/**
 * Tests acting as a human Matrix user: a real matrix-js-sdk client against the test Synapse
 * (see synapse-global-setup.ts), plus waits for what that user should see arrive by sync.
 */
import { randomBytes } from "node:crypto";
import {
  ClientEvent,
  createClient,
  RoomEvent,
  RoomStateEvent,
  SyncState,
  type MatrixClient,
  type MatrixEvent,
  type Room,
  type RoomMember,
} from "matrix-js-sdk";
// Not re-exported from the package's entry point; the package has no "exports" map, so the
// deep import is the supported way to reach the shared logger.
import { logger as sdkGlobalLogger, type Logger } from "matrix-js-sdk/lib/logger.js";
import { registerMatrixUser } from "../../src/devenv/matrix-admin.js";

const LEVELS = ["trace", "debug", "info", "warn", "error", "silent"] as const;
type Level = (typeof LEVELS)[number];

/**
 * matrix-js-sdk logs every request and sync at debug level, and some harmless races at error
 * level (e.g. MatrixRTCSessionManager's "room state event for unknown room" on every new room),
 * which would bury test output. Silent by default: tests observe the sdk through its results.
 * CROSSCHAT_TEST_MATRIX_SDK_LOG_LEVEL (trace, debug, info, warn, error) brings it back.
 */
function sdkLogLevel(): Level {
  const wanted = process.env["CROSSCHAT_TEST_MATRIX_SDK_LOG_LEVEL"] ?? "silent";
  return LEVELS.find((l) => l === wanted) ?? "silent";
}

function enabled(level: string, threshold: Level): boolean {
  const index = LEVELS.indexOf(level as Level);
  return index >= 0 && index >= LEVELS.indexOf(threshold);
}

function filteredLogger(threshold: Level, prefix = "matrix-js-sdk"): Logger {
  const at = (level: Exclude<Level, "silent">) => (...msg: unknown[]) => {
    if (!enabled(level, threshold)) return;
    const method = level === "trace" ? "debug" : level;
    console[method](`[${prefix}]`, ...msg);
  };
  return {
    trace: at("trace"),
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    getChild: (namespace: string) => filteredLogger(threshold, `${prefix} ${namespace}`),
  };
}

/**
 * The sdk's shared logger is a loglevel logger (methods its type does not declare). Many sdk
 * parts log through children of it that they create with a fixed debug level, copying the
 * parent's method factory: filtering in that factory quiets the children created from now on
 * as well as the logger itself.
 */
interface LoglevelLogger {
  methodFactory: (methodName: string, level: number, loggerName: string | symbol) => (...msg: unknown[]) => void;
  rebuild(): void;
}
function quietSdkGlobalLogger(threshold: Level): void {
  const root = sdkGlobalLogger as unknown as LoglevelLogger;
  const original = root.methodFactory;
  root.methodFactory = (methodName, level, loggerName) =>
    enabled(methodName, threshold) ? original(methodName, level, loggerName) : () => {};
  root.rebuild();
}
quietSdkGlobalLogger(sdkLogLevel());

/**
 * matrix-js-sdk leaves long timers behind that stopClient() does not clear: every request with
 * a local timeout arms a timer that is never cancelled (110 s for each /sync long poll), and the
 * capabilities refresh can re-arm a 6-hour timer after stop. They would keep jest from exiting
 * for up to two minutes after the last test. Timers of a minute or more are never what a test
 * waits on (tests time out before that), so in this test context they no longer keep the
 * process alive; they still fire if it is.
 */
const LONG_TIMER_MS = 60_000;
const UNREF_MARK = Symbol.for("crosschat.test.unrefLongTimers");
function unrefLongTimers(): void {
  const globals = globalThis as typeof globalThis & { [UNREF_MARK]?: true };
  if (globals[UNREF_MARK]) return;
  globals[UNREF_MARK] = true;
  const realSetTimeout = globalThis.setTimeout;
  const patched = (handler: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const timer = realSetTimeout(handler, ms, ...args);
    if (typeof ms === "number" && ms >= LONG_TIMER_MS) timer.unref();
    return timer;
  };
  globalThis.setTimeout = Object.assign(patched, realSetTimeout) as typeof globalThis.setTimeout;
}
unrefLongTimers();

export interface TestUser {
  userId: string;
  /** The localpart's password, for tests that log in again themselves. */
  password: string;
  accessToken: string;
  deviceId: string;
  /** Started and past its first sync. */
  client: MatrixClient;
  /** Stops syncing; safe to call more than once. */
  stop(): void;
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run integration tests through jest's integration project`);
  return value;
}

/** A matrix-js-sdk client for an existing access token, not yet started. */
export function createTestClient(userId: string, accessToken: string, deviceId?: string): MatrixClient {
  return createClient({
    baseUrl: requiredEnv("CROSSCHAT_TEST_HS_URL"),
    userId,
    accessToken,
    ...(deviceId !== undefined ? { deviceId } : {}),
    logger: filteredLogger(sdkLogLevel()),
  });
}

/** Starts the client and resolves once its first sync is processed (state PREPARED). */
export function startAndSync(client: MatrixClient, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(ClientEvent.Sync, onSync);
      reject(new Error(`${client.getUserId()}: no first sync within ${timeoutMs} ms`));
    }, timeoutMs);
    const onSync = (state: SyncState, _prev: SyncState | null, data?: { error?: Error }) => {
      if (state === SyncState.Prepared || state === SyncState.Error) {
        clearTimeout(timer);
        client.off(ClientEvent.Sync, onSync);
        if (state === SyncState.Prepared) resolve();
        else reject(new Error(`${client.getUserId()}: first sync failed: ${data?.error?.message ?? "unknown error"}`));
      }
    };
    client.on(ClientEvent.Sync, onSync);
    client.startClient({ initialSyncLimit: 10 }).catch((error: unknown) => {
      clearTimeout(timer);
      client.off(ClientEvent.Sync, onSync);
      reject(error instanceof Error ? error : new Error(String(error)));
    });
  });
}

/**
 * Registers a fresh user (the name plus a random suffix, so tests never collide, also across
 * runs against a kept Synapse) and returns it with a started, synced client.
 */
export async function createTestUser(name = "user"): Promise<TestUser> {
  const username = `${name.toLowerCase().replace(/[^a-z0-9._=-]/g, "_")}-${randomBytes(4).toString("hex")}`;
  const password = randomBytes(16).toString("hex");
  const registered = await registerMatrixUser({
    homeserverUrl: requiredEnv("CROSSCHAT_TEST_HS_URL"),
    sharedSecret: requiredEnv("CROSSCHAT_TEST_HS_SECRET"),
    username,
    password,
    displayname: name,
  });
  const client = createTestClient(registered.userId, registered.accessToken, registered.deviceId);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    client.stopClient();
  };
  try {
    await startAndSync(client);
  } catch (error) {
    stop();
    throw error;
  }
  return { ...registered, password, client, stop };
}

export type EventPredicate = (event: MatrixEvent, room: Room | undefined) => boolean;

/**
 * The first timeline event matching `predicate`, whether the client already has it or it
 * arrives later. Rejects after `timeoutMs`, naming `description` if given.
 */
export function waitForEvent(
  client: MatrixClient,
  predicate: EventPredicate,
  timeoutMs = 10_000,
  description = "a matching event",
): Promise<MatrixEvent> {
  return new Promise((resolve, reject) => {
    const finish = (outcome: () => void) => {
      clearTimeout(timer);
      client.off(RoomEvent.Timeline, onTimeline);
      outcome();
    };
    const onTimeline = (event: MatrixEvent, room: Room | undefined) => {
      if (predicate(event, room)) finish(() => resolve(event));
    };
    const timer = setTimeout(
      () => finish(() => reject(new Error(`${client.getUserId()}: no ${description} in the timeline within ${timeoutMs} ms`))),
      timeoutMs,
    );
    // Listen first, then look at what is already there, so an event cannot slip in between.
    client.on(RoomEvent.Timeline, onTimeline);
    for (const room of client.getRooms()) {
      const found = room.getLiveTimeline().getEvents().find((event) => predicate(event, room));
      if (found) {
        finish(() => resolve(found));
        return;
      }
    }
  });
}

/** Resolves once `client` sees `userId` with `membership` ("join", "invite", "leave"...) in `roomId`. */
export function waitForMembership(
  client: MatrixClient,
  roomId: string,
  userId: string,
  membership: string,
  timeoutMs = 10_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const current = () => client.getRoom(roomId)?.getMember(userId)?.membership;
    const finish = (outcome: () => void) => {
      clearTimeout(timer);
      client.off(RoomStateEvent.Members, onMember);
      client.off(ClientEvent.Sync, onSync);
      outcome();
    };
    const onMember = (_event: MatrixEvent, _state: unknown, member: RoomMember) => {
      if (member.roomId === roomId && member.userId === userId && member.membership === membership) finish(resolve);
    };
    // A room the client learns about mid-sync may fill its state before our listener sees it:
    // re-check after every sync as well.
    const onSync = () => {
      if (current() === membership) finish(resolve);
    };
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            new Error(
              `${client.getUserId()}: ${userId} did not reach membership "${membership}" in ${roomId} within ` +
                `${timeoutMs} ms (last seen: ${current() ?? "not a member"})`,
            ),
          ),
        ),
      timeoutMs,
    );
    client.on(RoomStateEvent.Members, onMember);
    client.on(ClientEvent.Sync, onSync);
    if (current() === membership) finish(resolve);
  });
}
