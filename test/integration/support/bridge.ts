/**
 * Integration set-up for bridging tests: the real daemon (startApp) against the test Synapse,
 * a real simulated network in-process, and helpers for what a Matrix user does: open the
 * management room, log in through the bot, accept portal invites, wait for what arrives.
 */
import { afterEach } from "@jest/globals";
import { writeFileSync } from "node:fs";
import { Writable } from "node:stream";
import { RoomMemberEvent, type MatrixClient, type MatrixEvent, type RoomMember } from "matrix-js-sdk";
import { startApp, type App } from "../../../src/app.js";
import type { Config } from "../../../src/config/schema.js";
import { createLogging } from "../../../src/logging/logger.js";
import { readRegistrationFile } from "../../../src/matrix/registration-file.js";
import { createTestUser, waitForEvent, waitForMembership, type TestUser } from "../../support/matrix-user.js";
import { testConfig, type DeepPartial, type ConfigInput } from "../../support/test-config.js";

/** How long a test waits for the bridge to act: generous, since a loaded CI machine is slow. */
export const BRIDGE_WAIT_MS = 30_000;

const registration = () => readRegistrationFile(process.env["CROSSCHAT_TEST_REGISTRATION"] as string);

export interface RunningBridge {
  app: App;
  config: Config;
  logs: string[];
  /** Stops the daemon cleanly and starts it again on the same database, doing `whileDown` between. */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

const apps: RunningBridge[] = [];
const users: TestUser[] = [];
afterEach(async () => {
  // CROSSCHAT_TEST_DUMP_LOGS=<file> keeps the daemon's log of the last test, for debugging.
  const dump = process.env["CROSSCHAT_TEST_DUMP_LOGS"];
  if (dump) writeFileSync(dump, apps.flatMap((bridge) => bridge.logs).join(""));
  await Promise.all(apps.splice(0).map((bridge) => bridge.stop()));
  users.splice(0).forEach((user) => user.stop());
});

export async function startBridge(overrides: DeepPartial<ConfigInput> = {}): Promise<RunningBridge> {
  const config = testConfig(overrides);
  const logs: string[] = [];
  const boot = async () => {
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString());
        done();
      },
    });
    const logging = createLogging({ ...config.logging, format: "json", stream });
    return startApp({ config, registration: registration(), logging });
  };
  let stopped = false;
  const bridge: RunningBridge = {
    app: await boot(),
    config,
    logs,
    async restart(whileDown) {
      await bridge.app.stop();
      await whileDown?.();
      bridge.app = await boot();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await bridge.app.stop();
    },
  };
  apps.push(bridge);
  return bridge;
}

/** A Matrix user who accepts every invite, as a person would accept the bridge's portals. */
export async function matrixUser(name: string): Promise<TestUser> {
  const user = await createTestUser(name);
  users.push(user);
  user.client.on(RoomMemberEvent.Membership, (_event: MatrixEvent, member: RoomMember) => {
    if (member.userId === user.userId && member.membership === "invite") {
      user.client.joinRoom(member.roomId).catch(() => undefined);
    }
  });
  return user;
}

export const isNoticeFrom = (sender: string, roomId: string, text: RegExp) => (event: MatrixEvent) =>
  event.getRoomId() === roomId &&
  event.getSender() === sender &&
  event.getType() === "m.room.message" &&
  event.getContent()["msgtype"] === "m.notice" &&
  text.test(String(event.getContent()["body"]));

/**
 * Opens a DM with the bot and waits until the bot has joined it, greeted, and answered a `ping`.
 * The wait matters: a message sent soon after an appservice's join can miss the appservice
 * (synapse#8673, a stale cache), even after the bot's greeting; a CI run lost a test's first
 * command that way. So the room is ready once the bot has heard something in it, as a person
 * who says hello first and gets no answer would say it again.
 */
export async function openManagementRoom(client: MatrixClient, botUserId: string): Promise<string> {
  const { room_id: roomId } = await client.createRoom({ is_direct: true, invite: [botUserId], preset: "trusted_private_chat" as never });
  await waitForMembership(client, roomId, botUserId, "join", BRIDGE_WAIT_MS);
  await waitForEvent(client, isNoticeFrom(botUserId, roomId, /management room/), BRIDGE_WAIT_MS, "the bot's welcome");
  for (let attempt = 1; ; attempt++) {
    try {
      await command(client, roomId, botUserId, "ping", /./, 5_000);
      return roomId;
    } catch (error) {
      if (attempt >= 6) throw error;
    }
  }
}

/** Sends a command and waits for the bot's next notice that matches `answer` (not an earlier one). */
export async function command(client: MatrixClient, roomId: string, botUserId: string, text: string, answer: RegExp, timeoutMs = BRIDGE_WAIT_MS): Promise<MatrixEvent> {
  const earlier = new Set(client.getRoom(roomId)?.getLiveTimeline().getEvents().map((event) => event.getId()) ?? []);
  const reply = waitForEvent(
    client,
    (event) => isNoticeFrom(botUserId, roomId, answer)(event) && !earlier.has(event.getId()),
    timeoutMs,
    `the bot's answer to '${text}' matching ${answer}`,
  );
  await client.sendTextMessage(roomId, text);
  return reply;
}

/** The first room (other than `except`) the user joined whose m.bridge state names `network`. */
export function waitForPortal(client: MatrixClient, network: string, name: RegExp, timeoutMs = BRIDGE_WAIT_MS): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      for (const room of client.getRooms()) {
        if (room.getMyMembership() !== "join") continue;
        const bridged = room.currentState.getStateEvents("m.bridge").some((e) => (e.getContent()["protocol"] as { id?: string } | undefined)?.id === network);
        if (bridged && name.test(room.name)) return room.roomId;
      }
      return undefined;
    };
    const timer = setInterval(() => {
      const found = check();
      if (found) {
        clearInterval(timer);
        clearTimeout(deadline);
        resolve(found);
      }
    }, 100);
    const deadline = setTimeout(() => {
      clearInterval(timer);
      reject(new Error(`${client.getUserId()}: no ${network} portal named ${name} within ${timeoutMs} ms`));
    }, timeoutMs);
  });
}

/** Pushes a transaction to the daemon the way the homeserver does; resolves once it answered. */
export function putTransaction(config: Config, txnId: string, body: object): Promise<Response> {
  return fetch(`${config.appservice.public_url}/_matrix/app/v1/transactions/${txnId}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${registration().hs_token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** A Matrix edit (m.replace) of `target`, as a client sends it. */
export function sendEdit(client: MatrixClient, roomId: string, target: string, text: string) {
  return client.sendMessage(roomId, {
    msgtype: "m.text",
    body: `* ${text}`,
    "m.new_content": { msgtype: "m.text", body: text },
    "m.relates_to": { rel_type: "m.replace", event_id: target },
  } as never);
}

/** Every event of `type` in the room's live timeline, oldest first. */
export function timeline(client: MatrixClient, roomId: string, type = "m.room.message"): MatrixEvent[] {
  return client.getRoom(roomId)?.getLiveTimeline().getEvents().filter((e) => e.getType() === type) ?? [];
}

export interface DaemonProcess {
  botUserId: string;
  config: Config;
  /** Starts the daemon again (after a kill) on the same config and database. */
  start(): Promise<void>;
  /** SIGKILL: a crash, with no chance to finish anything. */
  crash(): Promise<void>;
  /** SIGTERM: a clean stop. */
  stop(): Promise<void>;
}

const daemons: DaemonProcess[] = [];
afterEach(async () => {
  await Promise.all(daemons.splice(0).map((daemon) => daemon.stop()));
});

/** The daemon as users run it, `crosschat start`, in a child process that a test can kill. */
export async function startDaemonProcess(overrides: DeepPartial<ConfigInput> = {}): Promise<DaemonProcess> {
  const { mkdtempSync, writeFileSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { stringify } = await import("yaml");
  const { spawnCli } = await import("../../support/cli.js");
  const config = testConfig({ ...overrides, logging: { level: "info", format: "json" } });
  const file = join(mkdtempSync(join(process.env["CROSSCHAT_TEST_TMP"] as string, "daemon-")), "config.yaml");
  writeFileSync(file, stringify(config));
  let child: ReturnType<typeof spawnCli> | undefined;
  const exited = () => new Promise<void>((resolve) => (child && child.exitCode === null && child.signalCode === null ? child.once("exit", () => resolve()) : resolve()));
  const daemon: DaemonProcess = {
    botUserId: `@${config.appservice.bot.localpart}:${config.homeserver.domain}`,
    config,
    async start() {
      const started = spawnCli(["start", "-c", file, "-f", process.env["CROSSCHAT_TEST_REGISTRATION"] as string]);
      child = started;
      let output = "";
      await new Promise<void>((resolve, reject) => {
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes("is running")) resolve();
        };
        started.stdout!.on("data", onData);
        started.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
        started.once("exit", (code) => reject(new Error(`the daemon exited with ${code} before running:\n${output}`)));
      });
    },
    async crash() {
      const done = exited();
      child?.kill("SIGKILL");
      await done;
    },
    async stop() {
      const done = exited();
      child?.kill("SIGTERM");
      await done;
    },
  };
  daemons.push(daemon);
  await daemon.start();
  return daemon;
}
