/**
 * The ping the daemon asks the homeserver for at start-up (MSC2659): it proves events can reach
 * the bridge, names the url when they cannot, and ends the backoff Synapse built up while the
 * bridge was away, so what was sent meanwhile arrives at once rather than up to minutes later.
 */
import { describe, expect, it } from "@jest/globals";
import { freeLoopbackPort } from "../../src/devenv/ports.js";
import { openManagementRoom, matrixUser, startBridge, command, type RunningBridge } from "./support/bridge.js";

const messages = (bridge: RunningBridge) =>
  bridge.logs.map((line) => JSON.parse(line) as { level: string; message: string });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the homeserver's ping at start-up", () => {
  it("is answered, and logged as the homeserver reaching the bridge", async () => {
    const bridge = await startBridge({ logging: { level: "info" } });
    expect(messages(bridge)).toContainEqual(expect.objectContaining({ level: "info", message: "The homeserver reaches the bridge" }));
  });

  it("warns naming the registration's url when the homeserver cannot reach the bridge there", async () => {
    // The registration Synapse loaded names the usual port; this daemon listens elsewhere.
    const bridge = await startBridge({ appservice: { port: await freeLoopbackPort() } });
    const url = bridge.config.appservice.public_url;
    expect(messages(bridge)).toContainEqual(
      expect.objectContaining({
        level: "warn",
        message: expect.stringContaining(`The homeserver cannot reach the bridge at ${url} (the registration's url, from appservice.public_url)`),
      }),
    );
  });

  it("gets what was sent while the daemon was down as soon as it is back, not after Synapse's backoff", async () => {
    const bridge = await startBridge();
    const alice = await matrixUser("alice");
    const botUserId = bridge.app.botUserId;
    const roomId = await openManagementRoom(alice.client, botUserId);
    let sentWhileDown: Promise<unknown> = Promise.resolve();
    await bridge.restart(async () => {
      sentWhileDown = command(alice.client, roomId, botUserId, "ping", /./, 60_000);
      // Synapse's tries so far fail at about 0, 2, 6 and 14 s; left alone, the next is at 30 s.
      await sleep(16_000);
    });
    const back = Date.now();
    await sentWhileDown;
    expect(Date.now() - back).toBeLessThan(8_000);
  });
});
