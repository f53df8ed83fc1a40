/**
 * An admin erases what the bridge stores about someone in cross-network conversations: their
 * ghost leaves, their identity is withdrawn from the other networks, and no row of the bridge's
 * database names them any more.
 */
import { describe, expect, it } from "@jest/globals";
import { rowsMentioning } from "../../support/database-scan.js";
import { waitForMembership } from "../../support/matrix-user.js";
import { command, openManagementRoom } from "../support/bridge.js";
import { eventually, fourPeople } from "./support.js";

describe("forget, in cross-network conversations", () => {
  it("takes the person out of every conversation, withdraws them from the other networks and leaves nothing stored about them", async () => {
    const { bridge, alice, ana, bob, roomId, ghosts } = await fourPeople({ permissions: { localhost: "admin" } });
    await alice.client.sendTextMessage(roomId, "hi all");
    const atAna = await ana.waitFor((e) => e.kind === "message" && e.text === "hi all", "the message at Ana");
    await ana.agent.react(atAna.chat as string, atAna.messageId as string, "👍");
    await ana.agent.send(atAna.chat as string, "hi from Ana");
    await bob.waitFor((e) => e.kind === "message" && e.text === "hi from Ana", "Ana's message at Bob");
    const anaId = ghosts.ana.slice("@whatsapp_".length, ghosts.ana.indexOf(":"));
    const database = bridge.config.database.path;
    expect(rowsMentioning(database, anaId).length).toBeGreaterThan(0);

    const management = await openManagementRoom(alice.client, bridge.app.botUserId);
    await command(alice.client, management, bridge.app.botUserId, `forget whatsapp ${ghosts.ana}`, /^Forgot .* 2 cross-network conversation\(s\)/);
    await waitForMembership(alice.client, roomId, ghosts.ana, "leave", 5_000);
    await eventually(async () => ((await bob.agent.interop.searchThirdParty("ana")).length === 0 ? true : undefined), "Ana withdrawn from Instagram", 5_000);
    expect(rowsMentioning(database, anaId)).toEqual([]);
    expect(rowsMentioning(database, "ana.whatsapp")).toEqual([]);
  });
});
