/**
 * Read receipts and typing both ways, presence from WhatsApp, and a login revoked on the phone.
 */
import { describe, expect, it } from "@jest/globals";
import { ClientEvent, RoomMemberEvent, type MatrixEvent, type RoomMember } from "matrix-js-sdk";
import { waitForEvent } from "../../support/matrix-user.js";
import { BRIDGE_WAIT_MS, command, isNoticeFrom } from "../support/bridge.js";
import { record } from "../../simnet/whatsapp/support.js";
import { directChat, ghostOf } from "./support.js";


function until<T>(check: () => T | undefined, what: string, timeoutMs = BRIDGE_WAIT_MS): Promise<T> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const poll = () => {
      const value = check();
      if (value !== undefined) return resolve(value);
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(poll, 50);
    };
    poll();
  });
}

describe("receipts", () => {
  it("marks a WhatsApp message read on WhatsApp when the Matrix user reads it", async () => {
    const { scene, bob, first: hi } = await directChat();
    await scene.alice.client.sendReadReceipt(hi);
    const [receipt] = await bob.receipts.waitFor(1, (r) => r.kind === "read", BRIDGE_WAIT_MS);
    expect(receipt?.from).toBe(scene.alicePhone.jid);
  });

  it("shows the contact's read receipt on the Matrix message they read", async () => {
    const { scene, bob, roomId } = await directChat();
    await scene.alice.client.sendTextMessage(roomId, "did you see this?");
    const [sent] = await bob.messages.waitFor(1, (m) => m.content.type === "text" && m.content.text === "did you see this?", BRIDGE_WAIT_MS);
    await bob.phone.markRead(scene.alicePhone.jid, [sent?.id as string]);
    const ghost = ghostOf(scene, bob.phone);
    const room = scene.alice.client.getRoom(roomId);
    const mine = room?.getLiveTimeline().getEvents().find((e) => e.getContent()["body"] === "did you see this?");
    expect(mine).toBeDefined();
    // The ghost has read its own earlier message already; wait for the receipt to move to Alice's.
    const readUpTo = await until(() => (room?.getEventReadUpTo(ghost) === mine?.getId() ? mine?.getId() : undefined), "the ghost's read receipt on Alice's message");
    expect(readUpTo).toBe(mine?.getId());
  });
});

describe("typing and presence", () => {
  it("shows the contact typing in Matrix, and Matrix typing on WhatsApp", async () => {
    const { scene, bob, roomId } = await directChat();
    const ghost = ghostOf(scene, bob.phone);
    const typing = new Promise<void>((resolve) => {
      scene.alice.client.on(RoomMemberEvent.Typing, (_e: MatrixEvent, member: RoomMember) => {
        if (member.userId === ghost && member.roomId === roomId && member.typing) resolve();
      });
    });
    await bob.phone.setChatState(scene.alicePhone.jid, "composing");
    await typing;

    const states = record(bob.phone, "chatstate");
    await scene.alice.client.sendTyping(roomId, true, 10_000);
    const [state] = await states.waitFor(1, (s) => s.state === "composing", BRIDGE_WAIT_MS);
    expect(state?.from).toBe(scene.alicePhone.jid);
  });

  it("shows the contact's WhatsApp presence on their ghost", async () => {
    const { scene, bob } = await directChat();
    const ghost = ghostOf(scene, bob.phone);
    const online = new Promise<void>((resolve) => {
      const check = (event?: MatrixEvent) => {
        if (event?.getSender() === ghost && event.getContent()["presence"] === "online") resolve();
      };
      scene.alice.client.on(ClientEvent.Event, check);
    });
    await bob.phone.setPresence("unavailable");
    await bob.phone.setPresence("available");
    await online;
  });
});

describe("a login revoked on the phone", () => {
  it("is marked logged out and the user is told in the management room how to log in again", async () => {
    const { scene } = await directChat();
    const devices = await scene.wa.admin.devices(scene.alicePhone.jid);
    const bridgeDevice = devices.find((d) => d.name === "crosschat");
    await scene.alicePhone.api.unlinkDevice(bridgeDevice?.jid as string);
    const notice = await waitForEvent(scene.alice.client, isNoticeFrom(scene.bot, scene.managementRoom, /was logged out/), BRIDGE_WAIT_MS, "the logout notice");
    expect(String(notice.getContent()["body"])).toContain("send 'login whatsapp'");
    const list = await command(scene.alice.client, scene.managementRoom, scene.bot, "list-logins", /Your logins/);
    expect(String(list.getContent()["body"])).toContain("logged out: log in again");
  });
});
