/**
 * Delivery you can rely on: the daemon is killed (SIGKILL) while messages flow in either
 * direction and started again; every message arrives exactly once, in order.
 */
import { describe, expect, it } from "@jest/globals";
import { registerPhone, startWhatsapp } from "../../simnet/whatsapp/support.js";
import { BRIDGE_WAIT_MS, matrixUser, openManagementRoom, startDaemonProcess, timeline, waitForPortal } from "../support/bridge.js";
import { contact, linkThroughBot, messageIn } from "./support.js";

const COUNT = 30;

async function crashScene() {
  const wa = await startWhatsapp();
  const daemon = await startDaemonProcess({ networks: { whatsapp: { url: wa.net.url } } });
  const alice = await matrixUser("alice");
  const alicePhone = await registerPhone(wa, "Alice");
  const managementRoom = await openManagementRoom(alice.client, daemon.botUserId);
  await linkThroughBot(alice.client, managementRoom, daemon.botUserId, alicePhone);
  const bob = await contact(wa, "Bob");
  await bob.phone.sendText(alicePhone.jid, "start");
  const roomId = await waitForPortal(alice.client, "whatsapp", /^Bob \(WhatsApp\)$/);
  await messageIn(alice.client, roomId, /^start$/);
  return { wa, daemon, alice, alicePhone, bob, roomId };
}

const bodies = (events: { getContent(): Record<string, unknown> }[]) => events.map((e) => String(e.getContent()["body"]));

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("crash and restart", () => {
  it("bridges every WhatsApp message exactly once, in order, when the daemon is killed mid-stream", async () => {
    const { daemon, alice, alicePhone, bob, roomId } = await crashScene();
    const expected = Array.from({ length: COUNT }, (_, i) => `wa ${i + 1}`);
    const sending = (async () => {
      for (const text of expected) await bob.phone.sendText(alicePhone.jid, text);
    })();
    const seen = () => bodies(timeline(alice.client, roomId)).filter((b) => b.startsWith("wa "));
    await until(() => seen().length >= 5, BRIDGE_WAIT_MS, "the first messages");
    await daemon.crash();
    // The kill came mid-stream: some of the messages were not in Matrix yet.
    expect(seen().length).toBeLessThan(COUNT);
    await sending;
    await daemon.start();
    await until(() => seen().length >= COUNT, BRIDGE_WAIT_MS * 2, `all ${COUNT} messages`);
    // Anything doubled would show up a little later: give it the time to.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(seen()).toEqual(expected);
  });

  it("sends every Matrix message to WhatsApp exactly once, in order, when the daemon is killed mid-stream", async () => {
    const { daemon, alice, bob, roomId } = await crashScene();
    const expected = Array.from({ length: COUNT }, (_, i) => `mx ${i + 1}`);
    const received = () => bob.messages.items.map((m) => (m.content.type === "text" ? m.content.text : "")).filter((t) => t.startsWith("mx "));
    const sending = (async () => {
      for (const text of expected) await alice.client.sendTextMessage(roomId, text);
    })();
    await until(() => received().length >= 5, BRIDGE_WAIT_MS, "the first messages on WhatsApp");
    await daemon.crash();
    await sending;
    expect(received().length).toBeLessThan(COUNT);
    await daemon.start();
    await until(() => received().length >= COUNT, BRIDGE_WAIT_MS * 2, `all ${COUNT} messages on WhatsApp`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(received()).toEqual(expected);
  });
});
