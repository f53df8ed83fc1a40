/**
 * An admin erases everything the bridge stores about one remote person: `forget <network>
 * <person>` in the management room. Afterwards no row of the bridge's database names them, their
 * ghost's Matrix profile is neutral, and what others said stays.
 */
import { describe, expect, it } from "@jest/globals";
import { command, waitForPortal } from "./support/bridge.js";
import { rowsMentioning } from "../support/database-scan.js";
import { waitForEvent } from "../support/matrix-user.js";
import { contact, directPortal, ghostOf, messageIn, whatsappScene } from "./whatsapp/support.js";

describe("forget", () => {
  it("lets an admin erase what the bridge stores about one remote person, and keeps what others said", async () => {
    const scene = await whatsappScene({ permissions: { localhost: "admin" } });
    const bob = await contact(scene.wa, "Bob");
    const carol = await contact(scene.wa, "Carol");
    await bob.phone.sendText(scene.alicePhone.jid, "remember me?");
    const dm = await directPortal(scene, "Bob");
    await messageIn(scene.alice.client, dm, /^remember me\?$/);
    const group = await carol.phone.api.createGroup("Book club", [scene.alicePhone.jid, bob.phone.jid]);
    await carol.phone.sendText(group.jid, "chapter one");
    await bob.phone.sendText(group.jid, "loved it");
    const groupRoom = await waitForPortal(scene.alice.client, "whatsapp", /^Book club$/);
    await messageIn(scene.alice.client, groupRoom, /^loved it$/);
    const number = bob.phone.jid.split("@")[0] as string;
    const database = scene.bridge.config.database.path;
    expect(rowsMentioning(database, number).length).toBeGreaterThan(0);

    const ghost = ghostOf(scene, bob.phone);
    const answer = await command(scene.alice.client, scene.managementRoom, scene.bot, `forget whatsapp ${ghost}`, /^Forgot /);
    expect(String(answer.getContent()["body"])).toContain("their profile, 1 direct chat(s)");
    expect(rowsMentioning(database, number)).toEqual([]);
    // Carol's message stays mapped: the group goes on.
    expect(rowsMentioning(database, carol.phone.jid).length).toBeGreaterThan(0);
    await waitForEvent(
      scene.alice.client,
      (e) => e.getType() === "m.room.member" && e.getStateKey() === ghost && e.getContent()["displayname"] === "Forgotten WhatsApp user",
      30_000,
      "the ghost's neutral name",
    );

    const again = await command(scene.alice.client, scene.managementRoom, scene.bot, `forget whatsapp ${bob.phone.jid}`, /^Nothing is stored/);
    expect(String(again.getContent()["body"])).toContain("Nothing is stored about");
  });

  it("is for admins only", async () => {
    const scene = await whatsappScene();
    const refused = await command(scene.alice.client, scene.managementRoom, scene.bot, "forget whatsapp @whatsapp_1:localhost", /permission/);
    expect(String(refused.getContent()["body"])).toContain("'admin'");
  });
});
