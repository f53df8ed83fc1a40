/**
 * Bad input on either side is logged and skipped (or answered with a notice) and the portal
 * keeps working: unknown event types, missing fields, broken HTML, oversized text, and a
 * WhatsApp message nobody can decrypt.
 */
import { describe, expect, it } from "@jest/globals";
import { newMessageId } from "../../../src/simnet/whatsapp/client/client.js";
import { waitForEvent } from "../../support/matrix-user.js";
import { BRIDGE_WAIT_MS, isNoticeFrom, putTransaction } from "../support/bridge.js";
import { directChat, messageIn } from "./support.js";

describe("bad input from Matrix", () => {
  it("skips unknown event types, answers unusable messages with a notice, and keeps bridging", async () => {
    const { scene, bob, roomId } = await directChat();
    const client = scene.alice.client;
    await client.sendEvent(roomId, "org.example.unknown" as never, { anything: true } as never);
    // Synapse refuses messages without a string body or msgtype, so those come as a raw
    // transaction, as a broken or hostile homeserver could push them.
    const event = (id: string, content: unknown, type = "m.room.message") => ({ event_id: id, room_id: roomId, sender: scene.alice.userId, type, origin_server_ts: Date.now(), content });
    const answer = await putTransaction(scene.bridge.config, `bad-${Date.now()}`, { events: [
      event("$no-body", { msgtype: "m.text" }),
      event("$no-msgtype", { body: "text" }),
      event("$number-body", { msgtype: "m.text", body: 42 }),
      event("$no-content", null),
      { room_id: roomId, type: "m.room.message" },
      event("$bad-reaction", { "m.relates_to": { rel_type: "m.annotation", event_id: 7 } }, "m.reaction"),
      event("$bad-redaction", { redacts: { nested: true } }, "m.room.redaction"),
    ] });
    expect(answer.status).toBe(200);
    await waitForEvent(client, isNoticeFrom(scene.bot, roomId, /the message has no body/), BRIDGE_WAIT_MS, "the missing-body notice");
    await waitForEvent(client, isNoticeFrom(scene.bot, roomId, /the message has no msgtype/), BRIDGE_WAIT_MS, "the missing-msgtype notice");
    await client.sendMessage(roomId, { msgtype: "org.example.poll", body: "vote" } as never);
    await waitForEvent(client, isNoticeFrom(scene.bot, roomId, /messages of type org\.example\.poll cannot be bridged/), BRIDGE_WAIT_MS, "the unsupported-type notice");
    await client.sendMessage(roomId, { msgtype: "m.image", body: "no url" } as never);
    await waitForEvent(client, isNoticeFrom(scene.bot, roomId, /the file has no url/), BRIDGE_WAIT_MS, "the no-url notice");

    await client.sendHtmlMessage(roomId, "broken", "<b>bro<i>ken</b> <a href='javascript:alert(1)'>link</a><table><tr><td>cell");
    const [broken] = await bob.messages.waitFor(1, (m) => m.content.type === "text" && m.content.text.includes("bro"), BRIDGE_WAIT_MS);
    expect(broken?.content).toMatchObject({ type: "text" });
    expect((broken?.content as { text: string }).text).not.toContain("javascript");

    // Matrix events stop at 64 KiB, under WhatsApp's 65,536 characters; only a raw transaction gets past.
    await putTransaction(scene.bridge.config, `huge-${Date.now()}`, { events: [event("$huge", { msgtype: "m.text", body: "x".repeat(70_000) })] });
    const notice = await waitForEvent(client, isNoticeFrom(scene.bot, roomId, /70000 characters/), BRIDGE_WAIT_MS, "the too-long notice");
    expect(String(notice.getContent()["body"])).toContain("WhatsApp allows 65536");

    await client.sendTextMessage(roomId, "still working");
    await bob.messages.waitFor(1, (m) => m.content.type === "text" && m.content.text === "still working", BRIDGE_WAIT_MS);
    expect(bob.messages.items.filter((m) => m.content.type === "text" && m.content.text.startsWith("xxx"))).toHaveLength(0);
  });
});

describe("bad input from WhatsApp", () => {
  it("skips a message that cannot be decrypted and bridges the next one", async () => {
    const { scene, bob, roomId } = await directChat();
    const devices = await bob.phone.api.chatDevices(scene.alicePhone.jid);
    const garbage = Object.fromEntries(devices.map((device) => [device.jid, Buffer.alloc(48, 7).toString("base64")]));
    await bob.phone.api.send({ id: newMessageId(), to: scene.alicePhone.jid, kind: "message", copies: garbage });
    await bob.phone.sendText(scene.alicePhone.jid, "after the broken one");
    await messageIn(scene.alice.client, roomId, /^after the broken one$/);
    const bodies = scene.alice.client.getRoom(roomId)?.getLiveTimeline().getEvents().filter((e) => e.getType() === "m.room.message").map((e) => e.getContent()["body"]);
    expect(bodies).toEqual(["hi", "after the broken one"]);
    expect(scene.bridge.logs.join("")).toContain("does not decrypt");
  });
});
