/**
 * The first end-to-end proof: the real daemon against the real Synapse, with matrix-js-sdk as
 * the Matrix user. A DM with the bot becomes a management room where commands are answered.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import { Writable } from "node:stream";
import type { MatrixClient, MatrixEvent } from "matrix-js-sdk";
import { startApp, type App } from "../../src/app.js";
import type { Config } from "../../src/config/schema.js";
import { createLogging } from "../../src/logging/logger.js";
import { readRegistrationFile } from "../../src/matrix/registration-file.js";
import { VERSION } from "../../src/version.js";
import { createTestUser, waitForEvent, waitForMembership, type TestUser } from "../support/matrix-user.js";
import { testConfig } from "../support/test-config.js";
import { isNoticeFrom, openManagementRoom, putTransaction } from "./support/bridge.js";

/**
 * How long to wait for the bridge to act. Every test restarts the daemon on the same port, and
 * Synapse backs off (2 s, 4 s, 8 s...) from an appservice that was down or answered 503 while
 * stopping, so the first transaction after a restart can take several seconds to arrive.
 */
const BRIDGE_WAIT_MS = 30_000;

const registration = () => readRegistrationFile(process.env["CROSSCHAT_TEST_REGISTRATION"] as string);

const running: App[] = [];
const users: TestUser[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.stop()));
  users.splice(0).forEach((user) => user.stop());
});

async function start(config: Config, logLines?: string[]): Promise<App> {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines?.push(chunk.toString());
      done();
    },
  });
  const logging = createLogging({ ...config.logging, format: "json", stream });
  const app = await startApp({ config, registration: registration(), logging });
  running.push(app);
  return app;
}

async function user(name: string): Promise<TestUser> {
  const created = await createTestUser(name);
  users.push(created);
  return created;
}

async function openDirectChat(client: MatrixClient, botUserId: string): Promise<string> {
  const { room_id: roomId } = await client.createRoom({
    is_direct: true,
    invite: [botUserId],
    preset: "trusted_private_chat" as never,
  });
  return roomId;
}

/** A transaction holding one `version` command, as the homeserver would push it. */
function versionCommand(roomId: string, sender: string, eventId: string) {
  return {
    events: [
      {
        event_id: eventId,
        room_id: roomId,
        sender,
        type: "m.room.message",
        origin_server_ts: Date.now(),
        content: { msgtype: "m.text", body: "version" },
      },
    ],
  };
}

function versionReplies(client: MatrixClient, roomId: string, botUserId: string): MatrixEvent[] {
  const reply = new RegExp(`^crosschat ${VERSION.replace(/\./g, "\\.")}$`);
  return client.getRoom(roomId)?.getLiveTimeline().getEvents().filter(isNoticeFrom(botUserId, roomId, reply)) ?? [];
}

describe("the bridge bot's management room", () => {
  it("joins a direct chat, greets the user and answers help with the command list", async () => {
    const alice = await user("alice");
    const app = await start(testConfig());

    const roomId = await openManagementRoom(alice.client, app.botUserId);
    await waitForEvent(alice.client, isNoticeFrom(app.botUserId, roomId, /management room/), BRIDGE_WAIT_MS, "welcome notice");

    await alice.client.sendTextMessage(roomId, "help");
    const help = await waitForEvent(alice.client, isNoticeFrom(app.botUserId, roomId, /^Commands/), BRIDGE_WAIT_MS, "help reply");

    const content = help.getContent();
    expect(content["body"]).toContain("help — Show the commands you can use");
    expect(content["body"]).toContain("version — Show which crosschat version runs this bridge");
    expect(content["format"]).toBe("org.matrix.custom.html");
    expect(content["formatted_body"]).toContain("<code>help</code>");
  });

  it("answers an unknown command with a pointer to help, suggesting a near command without quoting what was typed", async () => {
    const alice = await user("alice");
    const app = await start(testConfig());
    const roomId = await openManagementRoom(alice.client, app.botUserId);

    await alice.client.sendTextMessage(roomId, "frobnicate now");
    const reply = await waitForEvent(alice.client, isNoticeFrom(app.botUserId, roomId, /not a command/), BRIDGE_WAIT_MS);
    expect(reply.getContent()["body"]).toBe("That is not a command. Send help to see the commands.");
    await alice.client.sendTextMessage(roomId, "lgoin whatsapp");
    const suggestion = await waitForEvent(alice.client, isNoticeFrom(app.botUserId, roomId, /did you mean/), BRIDGE_WAIT_MS);
    expect(suggestion.getContent()["body"]).toBe("That is not a command; did you mean 'login'? Send help to see the commands.");
  });

  it("declines a direct chat from a user whose permission is only relay", async () => {
    const mallory = await user("mallory");
    const app = await start(testConfig({ permissions: { "*": "relay", [mallory.userId]: "relay", localhost: "relay" } }));

    const roomId = await openDirectChat(mallory.client, app.botUserId);
    await waitForMembership(mallory.client, roomId, app.botUserId, "leave", BRIDGE_WAIT_MS);
    const leave = mallory.client.getRoom(roomId)?.getMember(app.botUserId)?.events.member;
    expect(leave?.getContent()["reason"]).toBe("Your account may talk through relayed portals, but not manage the bridge.");
  });

  it("declines an invite to a room that is not a direct chat", async () => {
    const alice = await user("alice");
    const app = await start(testConfig());
    const { room_id: roomId } = await alice.client.createRoom({ invite: [app.botUserId] });
    await waitForMembership(alice.client, roomId, app.botUserId, "leave", BRIDGE_WAIT_MS);
  });

  it("remembers the management room across a restart and never applies a retried transaction twice", async () => {
    const alice = await user("alice");
    const config = testConfig();
    const first = await start(config);
    const roomId = await openManagementRoom(alice.client, first.botUserId);

    // The homeserver retries a transaction it got no answer for; replay one by hand, as a
    // homeserver would after the daemon restarted between applying and answering it.
    const txnId = `replay-${Date.now()}`;
    const put = () => putTransaction(config, txnId, versionCommand(roomId, alice.userId, `$replayed-${txnId}`));
    expect((await put()).status).toBe(200);
    await first.stop();
    running.splice(running.indexOf(first), 1);

    const second = await start(config);
    expect((await put()).status).toBe(200);
    await alice.client.sendTextMessage(roomId, "help");
    await waitForEvent(alice.client, isNoticeFrom(second.botUserId, roomId, /^Commands/), BRIDGE_WAIT_MS, "help after restart");

    expect(versionReplies(alice.client, roomId, second.botUserId)).toHaveLength(1);
  });

  it("applies a transaction that reuses an old id with new events, as Synapse on SQLite does after restarting", async () => {
    const alice = await user("alice");
    const config = testConfig();
    const app = await start(config);
    const roomId = await openManagementRoom(alice.client, app.botUserId);

    const txnId = `reused-${Date.now()}`;
    expect((await putTransaction(config, txnId, versionCommand(roomId, alice.userId, `$before-${txnId}`))).status).toBe(200);
    expect((await putTransaction(config, txnId, versionCommand(roomId, alice.userId, `$after-${txnId}`))).status).toBe(200);
    await alice.client.sendTextMessage(roomId, "help");
    await waitForEvent(alice.client, isNoticeFrom(app.botUserId, roomId, /^Commands/), BRIDGE_WAIT_MS, "help reply");

    expect(versionReplies(alice.client, roomId, app.botUserId)).toHaveLength(2);
  });

  it("keeps the appservice tokens out of every log line, even at debug level", async () => {
    const lines: string[] = [];
    const alice = await user("alice");
    const app = await start(testConfig({ logging: { level: "debug" } }), lines);
    const roomId = await openManagementRoom(alice.client, app.botUserId);
    await alice.client.sendTextMessage(roomId, "help");
    await waitForEvent(alice.client, isNoticeFrom(app.botUserId, roomId, /^Commands/), BRIDGE_WAIT_MS);
    await app.stop();

    const reg = registration();
    const output = lines.join("");
    expect(lines.length).toBeGreaterThan(10);
    expect(output).not.toContain(reg.as_token);
    expect(output).not.toContain(reg.hs_token);
  });
});
