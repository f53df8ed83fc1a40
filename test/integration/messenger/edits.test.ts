/**
 * Edits: Messenger allows at most 5 edits of a message. From Matrix, the first 5 reach
 * Messenger and a 6th gets a notice reply and goes nowhere, also when some of the 5 were made
 * in the Messenger app; from Messenger, every edit the network allows arrives as an m.replace.
 */
import { describe, expect, it } from "@jest/globals";
import type { MatrixEvent } from "matrix-js-sdk";
import { LIMITS } from "../../../src/simnet/messenger/protocol.js";
import { waitForEvent } from "../../support/matrix-user.js";
import { BRIDGE_WAIT_MS, isNoticeFrom, sendEdit, timeline } from "../support/bridge.js";
import { directChat, messageIn, person, useMessengerScene, type MessengerScene, type Person } from "./support.js";

const startScene = useMessengerScene();

const replacing = (roomId: string, target: string, text: string) => (e: MatrixEvent) =>
  e.getRoomId() === roomId &&
  (e.getContent()["m.relates_to"] as { rel_type?: string; event_id?: string } | undefined)?.event_id === target &&
  (e.getContent()["m.new_content"] as { body?: string } | undefined)?.body === text;

/** Alice's message `text` from Matrix, as Bob received it on Messenger. */
async function aliceWrites(scene: MessengerScene, bob: Person, roomId: string, text: string): Promise<{ eventId: string; messageId: string }> {
  const { event_id: eventId } = await scene.alice.client.sendTextMessage(roomId, text);
  const delta = await bob.deltas.next("new_message", (d) => d.message.text === text, BRIDGE_WAIT_MS);
  return { eventId, messageId: delta.message.id };
}

/** Edits `eventId` from Matrix `count` times, each arriving on Messenger before the next. */
async function editFromMatrix(scene: MessengerScene, bob: Person, roomId: string, eventId: string, texts: string[]): Promise<void> {
  for (const text of texts) {
    await sendEdit(scene.alice.client, roomId, eventId, text);
    await bob.deltas.next("message_edited", (d) => d.text === text, BRIDGE_WAIT_MS);
  }
}

async function sixthEditRefused(scene: MessengerScene, bob: Person, roomId: string, eventId: string, messageId: string): Promise<void> {
  const { event_id: sixth } = await sendEdit(scene.alice.client, roomId, eventId, "edit 6");
  const notice = await waitForEvent(scene.alice.client, isNoticeFrom(scene.bot, roomId, /^The edit was not sent/), BRIDGE_WAIT_MS, "the refusal of the sixth edit");
  expect(notice.getContent()["body"]).toBe(`The edit was not sent: Messenger allows at most ${LIMITS.maxEdits} edits of a message.`);
  expect((notice.getContent()["m.relates_to"] as { "m.in_reply_to"?: { event_id?: string } })["m.in_reply_to"]?.event_id).toBe(sixth);
  // A message sent after it arrives, and by then the sixth edit would have too.
  await scene.alice.client.sendTextMessage(roomId, "after the sixth edit");
  await bob.deltas.next("new_message", (d) => d.message.text === "after the sixth edit", BRIDGE_WAIT_MS);
  expect(bob.deltas.ofType("message_edited").filter((d) => d.message_id === messageId).map((d) => d.text)).not.toContain("edit 6");
  const [stored] = (await bob.client.api.messages(scene.aliceRemote.id, { limit: 100 })).messages.filter((m) => m.id === messageId);
  expect(stored).toMatchObject({ text: "edit 5", edit_count: LIMITS.maxEdits });
}

describe("Messenger edits", () => {
  it("sends 5 Matrix edits of a message and answers a 6th with a notice, sending nothing", async () => {
    const scene = await startScene();
    const bob = await person(scene, "Bob");
    const { roomId } = await directChat(scene, bob);
    const { eventId, messageId } = await aliceWrites(scene, bob, roomId, "original");
    await editFromMatrix(scene, bob, roomId, eventId, ["edit 1", "edit 2", "edit 3", "edit 4", "edit 5"]);
    await sixthEditRefused(scene, bob, roomId, eventId, messageId);
  });

  it("counts edits made in the Messenger app toward the 5", async () => {
    const scene = await startScene();
    const bob = await person(scene, "Bob");
    const { roomId } = await directChat(scene, bob);
    const { eventId, messageId } = await aliceWrites(scene, bob, roomId, "original");
    for (const text of ["edit 1", "edit 2", "edit 3"]) {
      await scene.aliceRemote.client.api.edit(messageId, text);
      await waitForEvent(scene.alice.client, replacing(roomId, eventId, text), BRIDGE_WAIT_MS, `the app's edit '${text}' in Matrix`);
    }
    await editFromMatrix(scene, bob, roomId, eventId, ["edit 4", "edit 5"]);
    await sixthEditRefused(scene, bob, roomId, eventId, messageId);
  });

  it("brings every edit Messenger allows into Matrix as an m.replace of the original", async () => {
    const scene = await startScene();
    const bob = await person(scene, "Bob");
    const { roomId, first, firstId } = await directChat(scene, bob, "draft");
    const texts = Array.from({ length: LIMITS.maxEdits }, (_, i) => `draft v${i + 2}`);
    for (const text of texts) {
      const edited = await bob.client.api.edit(firstId, text);
      const edit = await waitForEvent(scene.alice.client, replacing(roomId, first.getId() as string, text), BRIDGE_WAIT_MS, `the edit '${text}'`);
      expect(edit.getContent()["body"]).toBe(`* ${text}`);
      expect(edit.getTs()).toBe(edited.edited_at);
    }
    await bob.client.api.send(scene.aliceRemote.id, { text: "done editing" });
    await messageIn(scene.alice.client, roomId, "done editing");
    const edits = timeline(scene.alice.client, roomId).filter((e) => (e.getContent()["m.relates_to"] as { rel_type?: string } | undefined)?.rel_type === "m.replace");
    expect(edits.map((e) => (e.getContent()["m.new_content"] as { body?: string }).body)).toEqual(texts);
  });
});
