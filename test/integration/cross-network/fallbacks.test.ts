/**
 * What a network cannot do, done its way by the fallback its config names, with the sender told:
 * an edit past the network's window goes as a correction; a second reaction from one person
 * replaces the first where the network keeps one each (or is refused, by config); a reply to a
 * message a network never got goes with the message quoted.
 */
import { describe, expect, it } from "@jest/globals";
import { waitForEvent, waitForMembership } from "../../support/matrix-user.js";
import { BRIDGE_WAIT_MS, isNoticeFrom, matrixUser, openManagementRoom } from "../support/bridge.js";
import { crossNetwork, fourPeople, ghostFor, optedIn } from "./support.js";

const TWENTY_MINUTES = 20 * 60 * 1000;

describe("fallbacks of cross-network conversations", () => {
  it("sends an edit Messenger no longer takes as a correction there, a normal edit elsewhere, and tells the room", async () => {
    const { networks, bridge, alice, ana, carol, roomId } = await fourPeople();
    // Messenger's clock runs behind while Alice writes, so the message is 20 minutes old there.
    networks.messenger.setClockOffset(-TWENTY_MINUTES);
    const sent = await alice.client.sendTextMessage(roomId, "meet at 5");
    const atCarol = await carol.waitFor((e) => e.kind === "message" && e.text === "meet at 5", "the message at Carol");
    const atAna = await ana.waitFor((e) => e.kind === "message" && e.text === "meet at 5", "the message at Ana");
    networks.messenger.setClockOffset(0);

    await alice.client.sendEvent(roomId, "m.room.message" as never, {
      msgtype: "m.text",
      body: "* meet at 6",
      "m.new_content": { msgtype: "m.text", body: "meet at 6" },
      "m.relates_to": { rel_type: "m.replace", event_id: sent.event_id },
    } as never);
    await ana.waitFor((e) => e.kind === "edit" && e.messageId === atAna.messageId && e.text === "meet at 6", "the edit at Ana");
    const correction = await carol.waitFor((e) => e.kind === "message" && e.text === "✏️ meet at 6", "the correction at Carol");
    const history = await carol.agent.history(correction.chat as string);
    expect(history.find((m) => m.id === correction.messageId)?.replyTo).toBe(atCarol.messageId);
    expect(carol.events.some((e) => e.kind === "edit")).toBe(false);
    await waitForEvent(alice.client, isNoticeFrom(bridge.app.botUserId, roomId, /^Messenger no longer takes edits to that message .*correction marked ✏️/), BRIDGE_WAIT_MS, "the notice about the correction");
  });

  it("shows a second reaction in place of the first where one each is kept, or refuses it by config, telling the room either way", async () => {
    const { bridge, alice, ana, bob, roomId } = await fourPeople({ networks: { instagram: { cross_network: { reaction_fallback: "drop" } } } });
    const sent = await alice.client.sendTextMessage(roomId, "react to me");
    const atAna = await ana.waitFor((e) => e.kind === "message" && e.text === "react to me", "the message at Ana");
    const atBob = await bob.waitFor((e) => e.kind === "message" && e.text === "react to me", "the message at Bob");
    const react = (key: string) =>
      alice.client.sendEvent(roomId, "m.reaction" as never, { "m.relates_to": { rel_type: "m.annotation", event_id: sent.event_id, key } } as never);
    await react("👍");
    await ana.waitFor((e) => e.kind === "reaction" && e.messageId === atAna.messageId && e.text === "👍", "the first reaction at Ana");
    await bob.waitFor((e) => e.kind === "reaction" && e.messageId === atBob.messageId && e.text === "👍", "the first reaction at Bob");
    const second = await react("❤️");
    await ana.waitFor((e) => e.kind === "reaction" && e.messageId === atAna.messageId && e.text === "❤️", "the second reaction replacing the first at Ana");
    await waitForEvent(alice.client, isNoticeFrom(bridge.app.botUserId, roomId, /^WhatsApp keeps one reaction per person: there, ❤️ replaced 👍\.$/), BRIDGE_WAIT_MS, "the notice about WhatsApp");
    await waitForEvent(alice.client, isNoticeFrom(bridge.app.botUserId, roomId, /^Not delivered to Instagram: Instagram cannot show this: Instagram keeps one reaction per person, and 👍 is already there/), BRIDGE_WAIT_MS, "the notice about Instagram");
    expect(bob.events.some((e) => e.kind === "reaction" && e.text === "❤️")).toBe(false);

    // Taking the newer one back shows the older one again where it had been replaced.
    await alice.client.redactEvent(roomId, second.event_id);
    await ana.waitFor((e) => e.kind === "reaction" && e.messageId === atAna.messageId && e.text === "👍" && ana.events.indexOf(e) > ana.events.findIndex((x) => x.text === "❤️"), "the first reaction back at Ana");
  });

  it("quotes the message a reply answers where the network never got it", async () => {
    const { networks, bridge } = await crossNetwork();
    const ana = await optedIn(networks.whatsapp, "Ana");
    const bob = await optedIn(networks.instagram, "Bob");
    const alice = await matrixUser("alice");
    const bot = bridge.app.botUserId;
    const management = await openManagementRoom(alice.client, bot);
    const anaGhost = await ghostFor(alice.client, management, bot, "whatsapp", ana.handle);
    const bobGhost = await ghostFor(alice.client, management, bot, "instagram", bob.handle);
    const { room_id: roomId } = await alice.client.createRoom({ name: "Later joiners", invite: [anaGhost] });
    await waitForMembership(alice.client, roomId, anaGhost, "join", BRIDGE_WAIT_MS);
    await alice.client.sendTextMessage(roomId, "the plan: lunch on Friday");
    const plan = await ana.waitFor((e) => e.kind === "message" && e.text === "the plan: lunch on Friday", "the plan at Ana");

    await alice.client.invite(roomId, bobGhost);
    await waitForMembership(alice.client, roomId, bobGhost, "join", BRIDGE_WAIT_MS);
    await ana.agent.send(plan.chat as string, "count me in", { replyTo: plan.messageId as string });
    const atBob = await bob.waitFor((e) => e.kind === "message" && e.thirdParty?.network === "whatsapp", "Ana's reply at Bob");
    expect(atBob.text).toBe("> alice: the plan: lunch on Friday\ncount me in");
  });

  it("opens a network's chat that was refused for want of people once a third person joins, and tells the room meanwhile", async () => {
    const { networks, bridge } = await crossNetwork();
    const carol = await optedIn(networks.messenger, "Carol");
    const dan = await optedIn(networks.messenger, "Dan");
    const alice = await matrixUser("alice");
    const bot = bridge.app.botUserId;
    const management = await openManagementRoom(alice.client, bot);
    const carolGhost = await ghostFor(alice.client, management, bot, "messenger", carol.handle);
    const danGhost = await ghostFor(alice.client, management, bot, "messenger", dan.handle);
    const { room_id: roomId } = await alice.client.createRoom({ name: "Three needed", invite: [carolGhost] });
    await waitForEvent(alice.client, isNoticeFrom(bot, roomId, /^Messenger would not open its chat for this conversation yet .*tried again when someone joins\.$/), BRIDGE_WAIT_MS, "the notice about Messenger");

    await alice.client.invite(roomId, danGhost);
    await waitForMembership(alice.client, roomId, danGhost, "join", BRIDGE_WAIT_MS);
    await alice.client.sendTextMessage(roomId, "now we are three");
    const atCarol = await carol.waitFor((e) => e.kind === "message" && e.text === "now we are three", "the message at Carol");
    const atDan = await dan.waitFor((e) => e.kind === "message" && e.text === "now we are three", "the message at Dan");
    expect(atCarol.chat).toBe(atDan.chat);
  });
});
