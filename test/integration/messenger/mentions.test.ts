/**
 * Mentions: Messenger marks a range of the text (UTF-16 offset and length) as naming someone
 * in the thread; Matrix has pills. Ranges become pills to ghosts (or to the bridged Matrix
 * user), and pills become ranges; a pill to someone who is not in the thread, which Messenger
 * would refuse, is sent as its text so the rest of the message still arrives.
 */
import { describe, expect, it } from "@jest/globals";
import { BRIDGE_WAIT_MS, waitForPortal } from "../support/bridge.js";
import { directChat, ghostOf, messageIn, person, useMessengerScene, type MessengerScene, type Person } from "./support.js";

const startScene = useMessengerScene();

const pill = (userId: string, text: string) => `<a href="https://matrix.to/#/${userId}">${text}</a>`;
/** A pill as the bridge writes it: the id escaped, the person's display name as its text. */
const bridgedPill = (userId: string, name: string) => pill(encodeURIComponent(userId), name);

/** A group of Bob, Carol and Alice, created by Bob; its portal has Bob's first message. */
async function groupWithCarol(scene: MessengerScene, bob: Person, carol: Person): Promise<{ roomId: string; threadId: string }> {
  const thread = await bob.client.api.createThread([scene.aliceRemote.id, carol.id], "Plans");
  await bob.client.api.send(thread.id, { text: "welcome" });
  const roomId = await waitForPortal(scene.alice.client, "messenger", /^Plans$/);
  await messageIn(scene.alice.client, roomId, "welcome");
  return { roomId, threadId: thread.id };
}

describe("Messenger mentions", () => {
  it("arrive as pills to the ghost or to the bridged Matrix user, with m.mentions", async () => {
    const scene = await startScene();
    const bob = await person(scene, "Bob");
    const carol = await person(scene, "Carol");
    const { roomId, threadId } = await groupWithCarol(scene, bob, carol);
    // "ask 👋 Carol and Alice": the emoji is two UTF-16 units, as Messenger counts.
    const text = "ask 👋 Carol and Alice";
    await bob.client.api.send(threadId, {
      text,
      mentions: [
        { offset: text.indexOf("Carol"), length: 5, user_id: carol.id },
        { offset: text.indexOf("Alice"), length: 5, user_id: scene.aliceRemote.id },
      ],
    });
    const event = await messageIn(scene.alice.client, roomId, text);
    const content = event.getContent();
    expect(content["formatted_body"]).toBe(`ask 👋 ${bridgedPill(ghostOf(scene, carol.id), "Carol (Messenger)")} and ${bridgedPill(scene.alice.userId, "Alice")}`);
    expect(content["m.mentions"]).toEqual({ user_ids: expect.arrayContaining([ghostOf(scene, carol.id), scene.alice.userId]) });
  });

  it("go from Matrix pills to Messenger ranges, and a pill to someone outside the thread goes as plain text", async () => {
    const scene = await startScene();
    const bob = await person(scene, "Bob");
    const carol = await person(scene, "Carol");
    // Carol becomes a ghost through the group; the direct chat with Bob is a thread she is not in.
    await groupWithCarol(scene, bob, carol);
    const { roomId } = await directChat(scene, bob);

    await scene.alice.client.sendHtmlMessage(roomId, "Bob Builder: hi", `${pill(ghostOf(scene, bob.id), "Bob")}: hi`);
    const toBob = await bob.deltas.next("new_message", (d) => d.actor_id === scene.aliceRemote.id, BRIDGE_WAIT_MS);
    expect(toBob.message.text).toBe("Bob: hi");
    expect(toBob.message.mentions).toEqual([{ offset: 0, length: 3, user_id: bob.id }]);

    const body = "ask Carol (Messenger) and Bob";
    await scene.alice.client.sendHtmlMessage(roomId, body, `ask ${pill(ghostOf(scene, carol.id), "Carol (Messenger)")} and ${pill(ghostOf(scene, bob.id), "Bob")}`);
    const degraded = await bob.deltas.next("new_message", (d) => d.message.text === body, BRIDGE_WAIT_MS);
    // Carol is not in this thread: her name stays as text, Bob's mention still goes.
    expect(degraded.message.mentions).toEqual([{ offset: body.indexOf("Bob"), length: 3, user_id: bob.id }]);
  });
});
