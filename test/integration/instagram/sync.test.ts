/**
 * Instagram's inbox and threads come a page at a time (by cursor), and its realtime stream is
 * resumed from a position that Instagram keeps only for so long. At login every thread of a
 * long inbox becomes a portal, and a long thread is backfilled in order, once. Across a restart
 * the stream resumes where the bridge was; when Instagram no longer keeps that position, the
 * bridge resynchronises from the inbox, brings in what it missed, nothing twice, and offers only
 * the messages newer than the last one it had (the position is stored with the login).
 */
import { describe, expect, it } from "@jest/globals";
import { command, waitForPortal } from "../support/bridge.js";
import { appUser, instagramScene, logIn, loggedInScene, messageIn, roomMessages, type InstagramScene } from "./support.js";

const bodies = async (scene: InstagramScene, roomId: string) => (await roomMessages(scene.alice.client, roomId)).map((event) => event.content["body"]);

/** The daemon's log lines (JSON) whose message starts with `message`. */
function logLines(scene: InstagramScene, message: string): Record<string, unknown>[] {
  return scene.bridge.logs
    .flatMap((chunk) => chunk.split("\n"))
    .filter((line) => line.includes(message))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const RECONCILED = "Reconciled from Instagram's inbox after a resync";

describe("Instagram sync", () => {
  it("brings every thread of a long inbox and a long thread's history at login, in order and once", async () => {
    // More history than one page of a thread (100 items), and room to backfill all of it.
    const scene = await instagramScene({ config: { bridge: { backfill_limit: 150 } } });
    const bob = await appUser(scene.ig, "bob", "Bob Example");
    await scene.ig.account("carol", { fullName: "Carol" });
    // More threads than one page of the inbox (20).
    const groups = Array.from({ length: 22 }, (_, i) => `Group ${i + 1}`);
    for (const title of groups) {
      const thread = await scene.ig.admin.createThread({ kind: "group", members: ["bob", "alice", "carol"], title, creator: "bob" });
      await bob.client.sendText(thread.thread_id, `hello ${title}`);
    }
    const direct = await bob.client.directThread({ userId: scene.alicePk });
    const history = Array.from({ length: 130 }, (_, i) => `message ${i + 1}`);
    for (const text of history) await bob.client.sendText(direct.thread_id, text);

    await logIn(scene);
    const roomId = await waitForPortal(scene.alice.client, "instagram", /^Bob Example \(Instagram\)$/);
    const groupRooms = [];
    for (const title of groups) groupRooms.push(await waitForPortal(scene.alice.client, "instagram", new RegExp(`^${title}$`)));
    expect(new Set(groupRooms).size).toBe(groups.length);
    for (const [i, title] of groups.entries()) expect(await bodies(scene, groupRooms[i]!)).toEqual([`hello ${title}`]);
    expect(await bodies(scene, roomId)).toEqual(history);

    await bob.client.sendText(direct.thread_id, "after the login");
    await messageIn(scene.alice.client, roomId, /^after the login$/);
    expect(await bodies(scene, roomId)).toEqual([...history, "after the login"]);
  }, 120_000);

  it("resumes after a restart, and resynchronises past Instagram's retention, losing and doubling nothing", async () => {
    // Instagram keeps only the last 5 updates per account (pruned every 64).
    const scene = await loggedInScene({ network: { retention: { maxEventsPerStream: 5 } }, config: { logging: { level: "info" } } });
    const bob = await appUser(scene.ig, "bob", "Bob Example");
    const carol = await appUser(scene.ig, "carol", "Carol");
    const bobThread = (await bob.client.directThread({ userId: scene.alicePk })).thread_id;
    const carolThread = (await carol.client.directThread({ userId: scene.alicePk })).thread_id;
    await bob.client.sendText(bobThread, "before 1");
    await carol.client.sendText(carolThread, "from carol before");
    const bobRoom = await waitForPortal(scene.alice.client, "instagram", /^Bob Example \(Instagram\)$/);
    const carolRoom = await waitForPortal(scene.alice.client, "instagram", /^Carol \(Instagram\)$/);
    await messageIn(scene.alice.client, carolRoom, /^from carol before$/);

    // A short stop: the stream resumes where the bridge left it, no resync needed.
    await scene.bridge.app.stop();
    await bob.client.sendText(bobThread, "before 2");
    await scene.bridge.restart();
    await messageIn(scene.alice.client, bobRoom, /^before 2$/);
    expect(logLines(scene, RECONCILED)).toEqual([]);

    // A long stop: Instagram drops the updates the bridge did not take.
    await scene.bridge.app.stop();
    const gap = Array.from({ length: 70 }, (_, i) => `while away ${i + 1}`);
    for (const text of gap) await bob.client.sendText(bobThread, text);
    await carol.client.sendText(carolThread, "from carol while away");
    await scene.bridge.restart();
    await messageIn(scene.alice.client, bobRoom, /^while away 70$/);
    await messageIn(scene.alice.client, carolRoom, /^from carol while away$/);
    await bob.client.sendText(bobThread, "after the resync");
    await messageIn(scene.alice.client, bobRoom, /^after the resync$/);

    expect(await bodies(scene, bobRoom)).toEqual(["before 1", "before 2", ...gap, "after the resync"]);
    expect(await bodies(scene, carolRoom)).toEqual(["from carol before", "from carol while away"]);
    // Only what was new was offered again: not the threads' earlier messages.
    expect(logLines(scene, RECONCILED).map((line) => line["messages"])).toEqual([gap.length + 1]);
    const ping = await command(scene.alice.client, scene.managementRoom, scene.bot, "ping", /Instagram/);
    expect(String(ping.getContent()["body"])).toContain("resynchronised: Instagram no longer kept what came after position");
  });
});
