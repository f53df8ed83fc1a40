/**
 * Consent in cross-network conversations: turning third-party chats off takes a person out of
 * every conversation within seconds, on every network and on Matrix, and nothing flows to or
 * from them afterwards; they can no longer be found from the other networks.
 */
import { describe, expect, it } from "@jest/globals";
import { waitForMembership } from "../../support/matrix-user.js";
import { eventually, fourPeople } from "./support.js";

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
});
