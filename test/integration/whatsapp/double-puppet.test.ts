/**
 * What the user does on their phone: with double puppeting (on in the test homeserver, as the
 * README sets it up) it appears as done by their own Matrix account, and is not bridged back;
 * without it, it comes from their own ghost.
 */
import { describe, expect, it } from "@jest/globals";
import { BRIDGE_WAIT_MS } from "../support/bridge.js";
import { contact, directPortal, ghostOf, messageIn, whatsappScene } from "./support.js";

async function phoneScene(overrides: Parameters<typeof whatsappScene>[0] = {}) {
  const scene = await whatsappScene(overrides);
  const bob = await contact(scene.wa, "Bob");
  await bob.phone.sendText(scene.alicePhone.jid, "ping");
  const roomId = await directPortal(scene, "Bob");
  const ping = await messageIn(scene.alice.client, roomId, /^ping$/);
  return { scene, bob, roomId, ping };
}

describe("what the user does on their phone", () => {
  it("appears as sent by their own Matrix account, once, and is not sent back to WhatsApp", async () => {
    const { scene, bob, roomId } = await phoneScene();
    const ack = await scene.alicePhone.sendText(bob.phone.jid, "pong from my phone");
    const event = await messageIn(scene.alice.client, roomId, /^pong from my phone$/);
    expect(event.getSender()).toBe(scene.alice.userId);
    expect(event.getTs()).toBe(ack.t);
    // Bob got it once, from the phone; the bridge did not echo it as a second message.
    await scene.alicePhone.sendText(bob.phone.jid, "marker");
    await bob.messages.waitFor(1, (m) => m.content.type === "text" && m.content.text === "marker", BRIDGE_WAIT_MS);
    expect(bob.messages.items.filter((m) => m.content.type === "text" && m.content.text === "pong from my phone")).toHaveLength(1);
  });

  it("shows reading on the phone as the user's own read receipt", async () => {
    const { scene, bob, roomId, ping } = await phoneScene();
    const [received] = await scene.alicePhone.history(bob.phone.jid, { limit: 5 }).then((page) => page.messages.filter((m) => m.content?.type === "text"));
    await scene.alicePhone.markRead(bob.phone.jid, [received?.id as string]);
    const room = scene.alice.client.getRoom(roomId);
    const deadline = Date.now() + BRIDGE_WAIT_MS;
    while (room?.getEventReadUpTo(scene.alice.userId) !== ping.getId()) {
      if (Date.now() > deadline) throw new Error("Alice's own read receipt never arrived");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  it("comes from the user's own ghost when double puppeting is off", async () => {
    const { scene, bob, roomId } = await phoneScene({ bridge: { double_puppet_registration: null } });
    await scene.alicePhone.sendText(bob.phone.jid, "pong without puppet");
    const event = await messageIn(scene.alice.client, roomId, /^pong without puppet$/);
    expect(event.getSender()).toBe(ghostOf(scene, scene.alicePhone));
  });
});
