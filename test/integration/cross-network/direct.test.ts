/**
 * Direct conversations across networks through the gateway: a Matrix user without any login
 * starts one with `start-chat`; people on two different networks start one from their own apps.
 */
import { describe, expect, it } from "@jest/globals";
import { waitForMembership } from "../../support/matrix-user.js";
import { command, matrixUser, openManagementRoom } from "../support/bridge.js";
import { crossNetwork, eventually, messageIn, optedIn } from "./support.js";

describe("direct cross-network conversations", () => {
  it("lets a Matrix user without a login open a chat with someone on Instagram, text both ways", async () => {
    const { networks, bridge } = await crossNetwork();
    const bob = await optedIn(networks.instagram, "Bob");
    const alice = await matrixUser("alice");
    const bot = bridge.app.botUserId;
    const management = await openManagementRoom(alice.client, bot);
    const answer = await command(alice.client, management, bot, `start-chat instagram ${bob.handle}`, /chat with/);
    const roomId = /#\/(![^ )]+)/.exec(decodeURIComponent(String(answer.getContent()["body"])))?.[1] as string;
    await waitForMembership(alice.client, roomId, alice.userId, "join", 30_000);

    await alice.client.sendTextMessage(roomId, "hello from Matrix");
    const arrived = await bob.waitFor((e) => e.kind === "message" && e.text === "hello from Matrix", "Alice's message on Instagram");
    expect(arrived.thirdParty).toMatchObject({ network: "matrix" });

    await bob.agent.send(arrived.chat as string, "hello from Instagram");
    const back = await messageIn(alice.client, roomId, /^hello from Instagram$/);
    expect(back.getSender()).toMatch(/^@instagram_/);
  });

  it("lets a WhatsApp user start a chat with a Messenger user from their app, by the name the bridge published", async () => {
    const { networks } = await crossNetwork();
    const ana = await optedIn(networks.whatsapp, "Ana Lima");
    const carol = await optedIn(networks.messenger, "Carol");
    const found = await eventually(async () => (await ana.agent.interop.searchThirdParty("carol")).find((c) => c.network === "messenger"), "Carol published on WhatsApp");
    expect(found.handle).toBe("carol.messenger");
    const chat = await ana.agent.interop.startThirdPartyChat({ kind: "direct", thirdParty: [{ provider: found.provider, id: found.id }] });
    await ana.agent.send(chat.id, "olá Carol");
    const atCarol = await carol.waitFor((e) => e.kind === "message" && e.text === "olá Carol", "Ana's message on Messenger");
    expect(atCarol.thirdParty).toMatchObject({ network: "whatsapp", name: "Ana Lima" });
    await carol.agent.send(atCarol.chat as string, "hi Ana");
    const atAna = await ana.waitFor((e) => e.kind === "message" && e.text === "hi Ana", "Carol's answer on WhatsApp");
    expect(atAna.thirdParty).toMatchObject({ network: "messenger", name: "Carol" });
  });
});
