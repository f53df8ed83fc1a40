/**
 * The delta stream past retention: the bridge is down while Bob writes so much that Messenger no
 * longer keeps the deltas after the bridge's position (here it keeps 5 per account; it prunes
 * every 64th append, see src/simnet/core/event-stream.ts). On restart Messenger answers
 * resync_required; the bridge resynchronises from a snapshot, pages back through the thread to
 * the newest message it had, and every message arrives exactly once, in order.
 */
import { describe, expect, it } from "@jest/globals";
import { Direction, type MatrixClient } from "matrix-js-sdk";
import { command } from "../support/bridge.js";
import { directChat, ghostOf, messageIn, person, UNLIMITED_MESSENGER, useMessengerScene } from "./support.js";

const startScene = useMessengerScene({ ...UNLIMITED_MESSENGER, retention: { maxEventsPerStream: 5, maxAgeMs: 3_600_000 } });

/** The room's messages from `sender` as the homeserver has them, oldest first. */
async function bodiesFrom(client: MatrixClient, roomId: string, sender: string): Promise<string[]> {
  const page = await client.createMessagesRequest(roomId, null, 500, Direction.Backward);
  return page.chunk
    .filter((e) => e.type === "m.room.message" && e.sender === sender)
    .map((e) => String(e.content["body"]))
    .reverse();
}

describe("Messenger resynchronisation", () => {
  it("brings every message sent while the bridge was down past retention exactly once, in order", async () => {
    const scene = await startScene();
    const bob = await person(scene, "Bob");
    const { roomId } = await directChat(scene, bob, "before");

    await scene.bridge.app.stop();
    const missed = Array.from({ length: 70 }, (_, i) => `m${i}`);
    for (const text of missed) await bob.client.api.send(scene.aliceRemote.id, { text });
    await scene.bridge.restart();

    await messageIn(scene.alice.client, roomId, "m69");
    const ping = await command(scene.alice.client, scene.managementRoom, scene.bot, "ping", /Messenger/);
    expect(String(ping.getContent()["body"])).toContain("resynchronised");
    await bob.client.api.send(scene.aliceRemote.id, { text: "after" });
    await messageIn(scene.alice.client, roomId, "after");
    expect(await bodiesFrom(scene.alice.client, roomId, ghostOf(scene, bob.id))).toEqual(["before", ...missed, "after"]);
  });
});
