/**
 * Read watermarks <-> m.read: Messenger says "read everything up to this time" per thread, Matrix
 * puts a receipt on one event. A watermark becomes the reader's ghost's receipt on the newest
 * bridged message at or before it; a Matrix m.read moves the reader's watermark on Messenger to
 * the time of the message read.
 */
import { describe, expect, it } from "@jest/globals";
import { ReceiptType } from "matrix-js-sdk";
import { BRIDGE_WAIT_MS } from "../support/bridge.js";
import { waitForReadReceipt } from "../conformance/matrix-side.js";
import { directChat, ghostOf, messageIn, person, useMessengerScene } from "./support.js";

const startScene = useMessengerScene();

describe("Messenger read watermarks", () => {
  it("put the reader's ghost's receipt on the newest bridged message at or before the watermark", async () => {
    const scene = await startScene();
    const bob = await person(scene, "Bob");
    const { roomId } = await directChat(scene, bob);
    const sent: { eventId: string; timestamp: number }[] = [];
    for (const text of ["one", "two", "three"]) {
      // A second between messages, so a watermark can fall between two of them.
      scene.clock.advance(1_000);
      const { event_id: eventId } = await scene.alice.client.sendTextMessage(roomId, text);
      const delta = await bob.deltas.next("new_message", (d) => d.message.text === text, BRIDGE_WAIT_MS);
      sent.push({ eventId, timestamp: delta.message.timestamp });
    }
    const [, two, three] = sent as [unknown, { eventId: string; timestamp: number }, { eventId: string; timestamp: number }];

    await bob.client.api.markRead(scene.aliceRemote.id, { timestamp: two.timestamp + 500 });
    const ghost = ghostOf(scene, bob.id);
    await waitForReadReceipt(scene.alice.client, roomId, ghost, two.eventId);
    expect(scene.alice.client.getRoom(roomId)?.getEventReadUpTo(ghost)).toBe(two.eventId);

    await bob.client.api.markRead(scene.aliceRemote.id, { timestamp: three.timestamp });
    await waitForReadReceipt(scene.alice.client, roomId, ghost, three.eventId);
  });

  it("move Alice's watermark on Messenger to the message she read in Matrix", async () => {
    const scene = await startScene();
    const bob = await person(scene, "Bob");
    const { roomId } = await directChat(scene, bob, "first");
    scene.clock.advance(1_000);
    const second = await bob.client.api.send(scene.aliceRemote.id, { text: "second" });
    await messageIn(scene.alice.client, roomId, "second");
    const first = await messageIn(scene.alice.client, roomId, "first");

    await scene.alice.client.sendReceipt(first, ReceiptType.Read);
    const read = await bob.deltas.next("read_receipt", (d) => d.actor_id === scene.aliceRemote.id, BRIDGE_WAIT_MS);
    expect(read.watermark_timestamp).toBe(first.getTs());
    expect(read.watermark_timestamp).toBeLessThan(second.timestamp);
    const thread = await bob.client.api.thread(scene.aliceRemote.id);
    expect(thread.participants.find((p) => p.id === scene.aliceRemote.id)?.read_watermark).toBe(first.getTs());
  });
});
