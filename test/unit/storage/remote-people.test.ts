import { afterEach, describe, expect, it } from "@jest/globals";
import { openDatabase, type Storage } from "../../../src/storage/index.js";
import { silentLogger } from "./helpers.js";

const open: Storage[] = [];
afterEach(() => open.splice(0).forEach((s) => s.close()));

/** Bob on Instagram (pk 42) in a direct thread and a group, Carol in the group, and a Bob with the same id on Messenger. */
function world() {
  const s = openDatabase(":memory:", { logger: silentLogger() });
  open.push(s);
  const direct = s.portals.ensure({ network: "instagram", chatId: "thread-1", receiver: "7" }, "direct");
  const group = s.portals.ensure({ network: "instagram", chatId: "thread-2", receiver: "" }, "group");
  const elsewhere = s.portals.ensure({ network: "messenger", chatId: "42", receiver: "7" }, "direct");
  const message = (portalId: number, remoteId: string, sender: string) =>
    s.messages.add({ portalId, remoteId, roomId: `!room${portalId}:x`, eventId: `$${remoteId}`, sender, timestamp: 1 });
  message(direct.id, "d1", "42");
  message(direct.id, "d2", "7");
  message(group.id, "g1", "42");
  message(group.id, "g2", "99");
  message(elsewhere.id, "m1", "42");
  s.reactions.set({ portalId: group.id, targetId: "g2", sender: "42", emoji: "👍", roomId: `!room${group.id}:x`, eventId: "$r1" });
  s.reactions.set({ portalId: group.id, targetId: "g1", sender: "99", emoji: "😂", roomId: `!room${group.id}:x`, eventId: "$r2" });
  for (const network of ["instagram", "messenger"] as const) {
    s.ghosts.save({ network, remoteUserId: "42", matrixUserId: `@${network}_42:x`, name: "Bob", avatarId: undefined, avatarMxc: undefined });
  }
  return { s, direct, group, elsewhere };
}

const rows = (s: Storage, sql: string) => s.db.prepare(sql).all();

describe("forgetting a remote person", () => {
  it("removes their profile, their direct chats with all that is stored for them, and their messages and reactions elsewhere", () => {
    const { s, direct, group } = world();
    expect(s.remotePeople.forget("instagram", "42")).toEqual({ ghosts: 1, directChats: 1, messages: 1, reactions: 1 });
    expect(s.portals.get(direct.id)).toBeUndefined();
    expect(rows(s, "SELECT remote_id FROM messages WHERE portal_id IN (SELECT id FROM portals WHERE network = 'instagram') ORDER BY remote_id")).toEqual([{ remote_id: "g2" }]);
    expect(rows(s, "SELECT sender FROM reactions")).toEqual([{ sender: "99" }]);
    expect(s.ghosts.get("instagram", "42")).toBeUndefined();
    expect(s.portals.get(group.id)).toBeDefined();
  });

  it("leaves the same id on another network alone", () => {
    const { s, elsewhere } = world();
    s.remotePeople.forget("instagram", "42");
    expect(s.ghosts.get("messenger", "42")).toBeDefined();
    expect(s.portals.get(elsewhere.id)).toBeDefined();
    expect(rows(s, `SELECT remote_id FROM messages WHERE portal_id = ${elsewhere.id}`)).toEqual([{ remote_id: "m1" }]);
  });

  it("finds a direct chat named after the person even before they wrote in it", () => {
    const { s, elsewhere } = world();
    s.db.prepare("DELETE FROM messages WHERE portal_id = ?").run(elsewhere.id);
    expect(s.remotePeople.forget("messenger", "42").directChats).toBe(1);
    expect(s.portals.get(elsewhere.id)).toBeUndefined();
  });

  it("reports nothing for someone it never stored", () => {
    const { s } = world();
    expect(s.remotePeople.forget("whatsapp", "15550001111@s.whatsapp.net")).toEqual({ ghosts: 0, directChats: 0, messages: 0, reactions: 0 });
  });
});
