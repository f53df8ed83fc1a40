/**
 * Consent in cross-network conversations: turning third-party chats off takes a person out of
 * every conversation within seconds, on every network and on Matrix, and nothing flows to or
 * from them afterwards; they can no longer be found from the other networks.
 */
import { describe, expect, it } from "@jest/globals";
import { waitForMembership } from "../../support/matrix-user.js";
import { command, matrixUser, openManagementRoom } from "../support/bridge.js";
import { crossNetwork, eventually, fourPeople, optedIn } from "./support.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("opting out of third-party chats", () => {
  it("takes the person out of the conversation everywhere within seconds and stops all flow to and from them", async () => {
    const { alice, ana, carol, bob, roomId, ghosts } = await fourPeople();
    await alice.client.sendTextMessage(roomId, "before");
    const carolChat = (await carol.waitFor((e) => e.kind === "message" && e.text === "before", "the first message at Carol")).chat as string;
    const anaChat = (await ana.waitFor((e) => e.kind === "message" && e.text === "before", "the first message at Ana")).chat as string;
    const bobChat = (await bob.waitFor((e) => e.kind === "message" && e.text === "before", "the first message at Bob")).chat as string;

    const off = Date.now();
    await carol.agent.interop.setThirdPartyChats(false);
    await waitForMembership(alice.client, roomId, ghosts.carol, "leave", 5_000);
    const left = Date.now() - off;
    expect(left).toBeLessThan(5_000);
    // Carol's identity is gone from the other networks' chats and searches.
    await eventually(async () => ((await ana.agent.interop.searchThirdParty("carol")).length === 0 ? true : undefined), "Carol withdrawn from WhatsApp's search", 5_000);
    await eventually(async () => ((await bob.agent.interop.searchThirdParty("carol")).length === 0 ? true : undefined), "Carol withdrawn from Instagram's search", 5_000);

    await alice.client.sendTextMessage(roomId, "after");
    await ana.agent.send(anaChat, "after, from Ana");
    await bob.waitFor((e) => e.kind === "message" && e.text === "after", "Alice's later message at Bob");
    await bob.waitFor((e) => e.kind === "message" && e.text === "after, from Ana", "Ana's later message at Bob");
    await sleep(1_000);
    expect(carol.events.filter((e) => e.chat === carolChat && e.kind === "message").map((e) => e.text)).toEqual(["before"]);
    // Nor can she write into the chat any more: her network refuses.
    await expect(carol.agent.send(carolChat, "still here?")).rejects.toThrow();
    expect(bob.events.some((e) => e.chat === bobChat && e.text === "still here?")).toBe(false);
  });

  it("takes a Matrix user who turns cross-network chat off out of every conversation, and they can no longer be found", async () => {
    const { networks, bridge } = await crossNetwork();
    const ana = await optedIn(networks.whatsapp, "Ana");
    const alice = await matrixUser("alice");
    const bot = bridge.app.botUserId;
    const management = await openManagementRoom(alice.client, bot);
    await command(alice.client, management, bot, "cross-network on", /^Cross-network chat is on: people on WhatsApp, Messenger, Instagram who take third-party chats can find you as /);
    const found = await eventually(async () => (await ana.agent.interop.searchThirdParty("alice")).find((c) => c.network === "matrix"), "Alice on WhatsApp");
    const chat = await ana.agent.interop.startThirdPartyChat({ kind: "direct", thirdParty: [{ provider: found.provider, id: found.id }] });
    await ana.agent.send(chat.id, "hello Alice");
    const roomId = await eventually(async () => alice.client.getRooms().find((r) => r.getMember(alice.userId)?.membership === "invite" || r.timeline.some((e) => e.getContent()["body"] === "hello Alice"))?.roomId, "the conversation room");
    await waitForMembership(alice.client, roomId, alice.userId, "join", 10_000);

    await command(alice.client, management, bot, "cross-network off", /^Cross-network chat is off/);
    await waitForMembership(alice.client, roomId, alice.userId, "leave", 5_000);
    await eventually(async () => ((await ana.agent.interop.searchThirdParty("alice")).length === 0 ? true : undefined), "Alice withdrawn from WhatsApp", 5_000);
    await expect(ana.agent.send(chat.id, "still there?")).rejects.toThrow();
  });

  it("reaches nobody on a network whose config does not offer cross-network chat", async () => {
    const { networks } = await crossNetwork({ networks: { instagram: { cross_network: { enabled: false } } } });
    const ana = await optedIn(networks.whatsapp, "Ana");
    const bob = await optedIn(networks.instagram, "Bob");
    await optedIn(networks.messenger, "Carol");
    // Carol, on a network that offers it, is published on WhatsApp; Bob is published nowhere, and Instagram has no provider.
    await eventually(async () => (await ana.agent.interop.searchThirdParty("carol")).find((c) => c.network === "messenger"), "Carol on WhatsApp");
    expect((await ana.agent.interop.searchThirdParty("bob")).length).toBe(0);
    expect((await bob.agent.interop.searchThirdParty("ana")).length).toBe(0);
    expect((await bob.agent.interop.searchThirdParty("carol")).length).toBe(0);
  });
});
