/**
 * Direct conversations across every pair of systems through the gateway: a Matrix user without
 * any login starts one with `start-chat`; people on two different networks start one from their
 * own apps, finding each other by the name the bridge published.
 */
import { describe, expect, it } from "@jest/globals";
import type { SimnetNetworkId } from "../../../src/simnet/core/network.js";
import { command, matrixUser, openManagementRoom } from "../support/bridge.js";
import { crossNetwork, eventually, messageIn, optedIn, startChat } from "./support.js";

const NATIVE_PAIRS: [SimnetNetworkId, SimnetNetworkId][] = [
  ["whatsapp", "messenger"],
  ["instagram", "whatsapp"],
  ["messenger", "instagram"],
];

describe("direct cross-network conversations", () => {
  it.each(["whatsapp", "messenger", "instagram"] as const)("lets a Matrix user without a login open a chat with someone on %s, text both ways", async (network) => {
    const { networks, bridge } = await crossNetwork();
    const bob = await optedIn(networks[network], "Bob");
    const alice = await matrixUser("alice");
    const bot = bridge.app.botUserId;
    const management = await openManagementRoom(alice.client, bot);
    const roomId = await startChat(alice.client, management, bot, network, bob.handle);

    await alice.client.sendTextMessage(roomId, "hello from Matrix");
    const arrived = await bob.waitFor((e) => e.kind === "message" && e.text === "hello from Matrix", `Alice's message on ${network}`);
    expect(arrived.thirdParty).toMatchObject({ network: "matrix" });

    await bob.agent.send(arrived.chat as string, `hello from ${network}`);
    const back = await messageIn(alice.client, roomId, new RegExp(`^hello from ${network}$`));
    expect(back.getSender()).toMatch(new RegExp(`^@${network}_`));
  });

  it.each(NATIVE_PAIRS)("lets someone on %s start a chat with someone on %s from their app, by the name the bridge published", async (from, to) => {
    const { networks } = await crossNetwork();
    const ana = await optedIn(networks[from], "Ana Lima");
    const carol = await optedIn(networks[to], "Carol");
    const found = await eventually(async () => (await ana.agent.interop.searchThirdParty("carol")).find((c) => c.network === to), `Carol published on ${from}`);
    expect(found.handle).toBe(`carol.${to}`);
    const chat = await ana.agent.interop.startThirdPartyChat({ kind: "direct", thirdParty: [{ provider: found.provider, id: found.id }] });
    await ana.agent.send(chat.id, "olá Carol");
    const atCarol = await carol.waitFor((e) => e.kind === "message" && e.text === "olá Carol", `Ana's message on ${to}`);
    expect(atCarol.thirdParty).toMatchObject({ network: from, name: "Ana Lima" });
    await carol.agent.send(atCarol.chat as string, "hi Ana");
    const atAna = await ana.waitFor((e) => e.kind === "message" && e.text === "hi Ana", `Carol's answer on ${from}`);
    expect(atAna.thirdParty).toMatchObject({ network: to, name: "Carol" });
  });

  it("finds nobody who has not turned third-party chats on, and says so without telling whether they exist", async () => {
    const { networks, bridge } = await crossNetwork();
    const dave = await networks.instagram.person("Dave");
    const alice = await matrixUser("alice");
    const bot = bridge.app.botUserId;
    const management = await openManagementRoom(alice.client, bot);
    await command(alice.client, management, bot, `start-chat instagram ${dave.handle}`, /is not on Instagram or does not take third-party chats/);
    await command(alice.client, management, bot, "start-chat instagram no.such.user", /is not on Instagram or does not take third-party chats/);
  });
});
