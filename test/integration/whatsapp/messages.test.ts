/**
 * WhatsApp <-> Matrix in a direct chat: login through the bot, then text with formatting,
 * mentions, emotes and notices, replies, edits, reactions and deletes in both directions,
 * with the real daemon, the test Synapse and the simulated WhatsApp server.
 */
import { describe, expect, it } from "@jest/globals";
import type { MatrixEvent } from "matrix-js-sdk";
import { waitForEvent } from "../../support/matrix-user.js";
import { BRIDGE_WAIT_MS, command, isNoticeFrom, sendEdit } from "../support/bridge.js";
import { directChat, ghostOf, messageIn, whatsappScene } from "./support.js";


/** A Matrix edit of `target`, as clients send it. */
const relatesTo = (event: MatrixEvent) => event.getContent()["m.relates_to"] as Record<string, unknown> | undefined;

describe("logging in to WhatsApp through the bot", () => {
  it("links the phone with the pairing code the bot shows, then lists the login as connected", async () => {
    const scene = await whatsappScene();
    const { alice, managementRoom, bot, alicePhone } = scene;
    const list = await command(alice.client, managementRoom, bot, "list-logins", /Your logins/);
    expect(String(list.getContent()["body"])).toContain(`WhatsApp: Alice (${alicePhone.jid}), connected`);
    const devices = await scene.wa.admin.devices(alicePhone.jid);
    expect(devices.map((d) => d.name)).toContain("crosschat");
  });

  it("asks again when the phone number is not on WhatsApp", async () => {
    const scene = await whatsappScene();
    const { alice, managementRoom, bot } = scene;
    const answer = await command(alice.client, managementRoom, bot, "login whatsapp +15559999999", /not registered|not on WhatsApp|No WhatsApp/i);
    expect(String(answer.getContent()["body"])).toMatch(/phone number/i);
    const cancelled = await command(alice.client, managementRoom, bot, "cancel", /Login cancelled/);
    expect(cancelled.getContent()["body"]).toBe("Login cancelled.");
  });
});

describe("WhatsApp -> Matrix in a direct chat", () => {
  it("creates the portal named after the contact and keeps markup, sender and the WhatsApp timestamp", async () => {
    const { scene, bob, roomId } = await directChat("hello Alice");
    const ack = await bob.phone.sendText(scene.alicePhone.jid, "*bold* _italic_ ~gone~ `code`");
    const event = await messageIn(scene.alice.client, roomId, /^bold italic gone code$/);
    expect(event.getSender()).toBe(ghostOf(scene, bob.phone));
    expect(event.getContent()["formatted_body"]).toBe("<strong>bold</strong> <em>italic</em> <del>gone</del> <code>code</code>");
    expect(event.getTs()).toBe(ack.t);
    const room = scene.alice.client.getRoom(roomId);
    expect(room?.getMember(ghostOf(scene, bob.phone))?.name).toBe("Bob (WhatsApp)");
  });

  it("turns a WhatsApp reply, edit, reaction, reaction removal and delete into their Matrix forms", async () => {
    const { scene, bob, roomId } = await directChat("hello Alice");
    const client = scene.alice.client;
    const first = await bob.phone.sendText(scene.alicePhone.jid, "lunch?");
    const original = await messageIn(client, roomId, /^lunch\?$/);

    await bob.phone.sendText(scene.alicePhone.jid, "at noon", { quoted: { id: first.id, participant: bob.phone.jid } });
    const reply = await messageIn(client, roomId, /at noon$/);
    expect((relatesTo(reply)?.["m.in_reply_to"] as { event_id?: string })?.event_id).toBe(original.getId());

    await bob.phone.edit(scene.alicePhone.jid, first.id, "lunch today?");
    const edit = await messageIn(client, roomId, /^\* lunch today\?$/);
    expect(relatesTo(edit)).toEqual({ rel_type: "m.replace", event_id: original.getId() });
    expect((edit.getContent()["m.new_content"] as { body?: string }).body).toBe("lunch today?");

    await bob.phone.react(scene.alicePhone.jid, first.id, "👍");
    const reaction = await waitForEvent(client, (e) => e.getRoomId() === roomId && e.getType() === "m.reaction", BRIDGE_WAIT_MS, "the reaction");
    expect(relatesTo(reaction)).toEqual({ rel_type: "m.annotation", event_id: original.getId(), key: "👍" });

    await bob.phone.react(scene.alicePhone.jid, first.id, "");
    await waitForEvent(client, (e) => e.getType() === "m.room.redaction" && e.event.redacts === reaction.getId(), BRIDGE_WAIT_MS, "the reaction's removal");

    await bob.phone.revoke(scene.alicePhone.jid, first.id);
    await waitForEvent(client, (e) => e.getType() === "m.room.redaction" && e.event.redacts === original.getId(), BRIDGE_WAIT_MS, "the delete");
  });
});

describe("Matrix -> WhatsApp in a direct chat", () => {
  it("sends HTML formatting as WhatsApp markup with a plain body's meaning kept", async () => {
    const { scene, bob, roomId } = await directChat("hello Alice");
    await scene.alice.client.sendHtmlMessage(roomId, "bold and italic", "<strong>bold</strong> and <em>italic</em>");
    const [message] = await bob.messages.waitFor(1, (m) => m.content.type === "text" && m.content.text.includes("bold"), BRIDGE_WAIT_MS);
    expect(message?.content).toMatchObject({ type: "text", text: "*bold* and _italic_" });
    expect(message?.from).toBe(scene.alicePhone.jid);
  });

  it("sends emotes with a star and notices as text", async () => {
    const { scene, bob, roomId } = await directChat("hello Alice");
    await scene.alice.client.sendEmoteMessage(roomId, "waves");
    await scene.alice.client.sendNotice(roomId, "automated note");
    const texts = await bob.messages.waitFor(2, (m) => m.content.type === "text" && m.content.text !== "hello Alice", BRIDGE_WAIT_MS);
    expect(texts.map((m) => (m.content as { text: string }).text)).toEqual(["* waves", "automated note"]);
  });

  it("sends replies, edits, one reaction per person and deletes, and tells the sender about a second reaction", async () => {
    const { scene, bob, roomId } = await directChat("hello Alice");
    const client = scene.alice.client;
    const bobsMessage = await messageIn(client, roomId, /^hello Alice$/);

    const { event_id: mine } = await client.sendMessage(roomId, {
      msgtype: "m.text",
      body: "> <bob> hello Alice\n\nhi Bob",
      "m.relates_to": { "m.in_reply_to": { event_id: bobsMessage.getId() as string } },
    } as never);
    const [sent] = await bob.messages.waitFor(1, (m) => m.content.type === "text" && m.content.text === "hi Bob", BRIDGE_WAIT_MS);
    expect(sent?.content.quoted?.participant).toBe(bob.phone.jid);

    await sendEdit(client, roomId, mine, "hi Bob!");
    const [edit] = await bob.edits.waitFor(1, () => true, BRIDGE_WAIT_MS);
    expect(edit).toMatchObject({ target: sent?.id, text: "hi Bob!" });

    const first = await client.sendEvent(roomId, "m.reaction" as never, { "m.relates_to": { rel_type: "m.annotation", event_id: bobsMessage.getId(), key: "👍" } } as never);
    await bob.reactions.waitFor(1, (r) => r.emoji === "👍", BRIDGE_WAIT_MS);
    await client.sendEvent(roomId, "m.reaction" as never, { "m.relates_to": { rel_type: "m.annotation", event_id: bobsMessage.getId(), key: "❤️" } } as never);
    await bob.reactions.waitFor(1, (r) => r.emoji === "❤️", BRIDGE_WAIT_MS);
    // WhatsApp keeps one reaction per person, so the bridge takes the first one back in Matrix.
    await waitForEvent(client, (e) => e.getType() === "m.room.redaction" && e.event.redacts === first.event_id, BRIDGE_WAIT_MS, "the replaced reaction's redaction");

    await client.redactEvent(roomId, mine);
    const [revoke] = await bob.revokes.waitFor(1, () => true, BRIDGE_WAIT_MS);
    expect(revoke?.target).toBe(sent?.id);
  });

  it("ignores an edit of someone else's message, which Matrix does not allow either", async () => {
    const { scene, bob, roomId } = await directChat("hello Alice");
    const client = scene.alice.client;
    const bobs = await messageIn(client, roomId, /^hello Alice$/);
    await sendEdit(client, roomId, bobs.getId() as string, "changed");
    // Events of a room are bridged in order: once a later message is on WhatsApp, the edit was handled.
    await client.sendTextMessage(roomId, "later");
    await bob.messages.waitFor(1, (m) => m.content.type === "text" && m.content.text === "later", BRIDGE_WAIT_MS);
    expect(bob.edits.items).toHaveLength(0);
  });

  it("refuses an edit past WhatsApp's 15 minutes, and a delete past 48 hours, each with one notice", async () => {
    const { scene, bob, roomId } = await directChat("hello Alice");
    const client = scene.alice.client;
    // The WhatsApp server's clock runs 49 hours behind while Alice's message is sent, so the
    // message it records is already that old by the time she edits it.
    const offset = { ms: -49 * 3_600_000 };
    Object.defineProperty(scene.wa.clock, "now", { get: () => Date.now() + offset.ms, configurable: true });
    const { event_id: mine } = await client.sendTextMessage(roomId, "old news");
    await bob.messages.waitFor(1, (m) => m.content.type === "text" && m.content.text === "old news", BRIDGE_WAIT_MS);
    offset.ms = 0;
    await sendEdit(client, roomId, mine, "new news");
    const notice = await waitForEvent(client, isNoticeFrom(scene.bot, roomId, /edit was not sent/), BRIDGE_WAIT_MS, "the edit's refusal");
    expect(String(notice.getContent()["body"])).toMatch(/allows edits only within 15 minutes of sending, and this message is \d+ minutes old/);
    await client.redactEvent(roomId, mine);
    const deleted = await waitForEvent(client, isNoticeFrom(scene.bot, roomId, /Not deleted on WhatsApp/), BRIDGE_WAIT_MS, "the delete's refusal");
    expect(String(deleted.getContent()["body"])).toContain("within 48 hours");
    expect(bob.edits.items).toHaveLength(0);
    expect(bob.revokes.items).toHaveLength(0);
  });
});

describe("mentions", () => {
  it("turns a WhatsApp @mention into a pill and a Matrix pill into a WhatsApp mention", async () => {
    const { scene, bob, roomId } = await directChat("hello Alice");
    const client = scene.alice.client;
    const alicePhoneNumber = scene.alicePhone.jid.split("@")[0] as string;
    await bob.phone.sendText(scene.alicePhone.jid, `hey @${alicePhoneNumber} look`);
    const event = await messageIn(client, roomId, /look$/);
    const content = event.getContent();
    expect(String(content["formatted_body"])).toContain(`<a href="https://matrix.to/#/${encodeURIComponent(scene.alice.userId)}">`);
    expect(content["m.mentions"]).toEqual({ user_ids: [scene.alice.userId] });

    const bobGhost = ghostOf(scene, bob.phone);
    await client.sendHtmlMessage(roomId, "Bob (WhatsApp): see this", `<a href="https://matrix.to/#/${bobGhost}">Bob (WhatsApp)</a>: see this`);
    const [sent] = await bob.messages.waitFor(1, (m) => m.content.type === "text" && m.content.text.endsWith("see this"), BRIDGE_WAIT_MS);
    const bobNumber = bob.phone.jid.split("@")[0] as string;
    expect(sent?.content).toMatchObject({ type: "text", text: `@${bobNumber}: see this`, mentions: [bob.phone.jid] });
  });
});
