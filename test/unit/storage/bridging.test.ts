import { afterEach, describe, expect, it } from "@jest/globals";
import { openDatabase, type Storage } from "../../../src/storage/index.js";
import { silentLogger } from "./helpers.js";

const open: Storage[] = [];
afterEach(() => open.splice(0).forEach((s) => s.close()));

function storage(): Storage {
  const s = openDatabase(":memory:", { logger: silentLogger() });
  open.push(s);
  return s;
}

const login = { matrixUserId: "@alice:example.org", network: "whatsapp" as const, remoteUserId: "1555@s.whatsapp.net", remoteName: "Alice", session: { token: "t" } };

describe("logins", () => {
  it("stores a login with its session and finds it by remote account and by Matrix user", () => {
    const s = storage();
    const saved = s.logins.save(login, 1000);
    expect(saved).toMatchObject({ ...login, state: "active", createdAt: 1000 });
    expect(s.logins.findByRemote("whatsapp", login.remoteUserId)?.id).toBe(saved.id);
    expect(s.logins.listForUser("@alice:example.org").map((l) => l.id)).toEqual([saved.id]);
  });

  it("reuses the row when the same account logs in again, active again with the new session", () => {
    const s = storage();
    const first = s.logins.save(login);
    s.logins.setState(first.id, "logged-out");
    expect(s.logins.listActive()).toHaveLength(0);
    const again = s.logins.save({ ...login, session: { token: "new" } });
    expect(again.id).toBe(first.id);
    expect(again.state).toBe("active");
    expect(again.session).toEqual({ token: "new" });
  });
});

describe("portals and the message map", () => {
  it("keys direct chats by receiver, so two users' chats with one person are two portals", () => {
    const s = storage();
    const a = s.portals.ensure({ network: "whatsapp", chatId: "bob", receiver: "alice" }, "direct");
    const b = s.portals.ensure({ network: "whatsapp", chatId: "bob", receiver: "carol" }, "direct");
    expect(a.id).not.toBe(b.id);
    expect(s.portals.ensure({ network: "whatsapp", chatId: "bob", receiver: "alice" }, "direct").id).toBe(a.id);
  });

  it("lets one room hold portals of several networks", () => {
    const s = storage();
    const wa = s.portals.ensure({ network: "whatsapp", chatId: "g1", receiver: "" }, "group");
    const ms = s.portals.ensure({ network: "messenger", chatId: "t1", receiver: "" }, "group");
    s.portals.setRoom(wa.id, "!room");
    s.portals.setRoom(ms.id, "!room");
    expect(s.portals.findByRoom("!room").map((p) => p.network)).toEqual(["whatsapp", "messenger"]);
  });

  it("maps a remote message to its Matrix event and back, and keeps the first mapping of a duplicate", () => {
    const s = storage();
    const portal = s.portals.ensure({ network: "whatsapp", chatId: "bob", receiver: "alice" }, "direct");
    const base = { portalId: portal.id, remoteId: "3EB0A", roomId: "!r", eventId: "$e1", sender: "bob", timestamp: 5 };
    expect(s.messages.add(base)).toBe(true);
    expect(s.messages.add({ ...base, eventId: "$e2" })).toBe(false);
    expect(s.messages.findRemote(portal.id, "3EB0A")?.eventId).toBe("$e1");
    expect(s.messages.findEvent(portal.id, "!r", "$e1")?.remoteId).toBe("3EB0A");
  });

  it("counts edits on the original and marks deletes", () => {
    const s = storage();
    const portal = s.portals.ensure({ network: "whatsapp", chatId: "bob", receiver: "alice" }, "direct");
    s.messages.add({ portalId: portal.id, remoteId: "m1", roomId: "!r", eventId: "$m1", sender: "bob", timestamp: 1 });
    s.messages.add({ portalId: portal.id, remoteId: "e1", kind: "edit", targetId: "m1", roomId: "!r", eventId: "$e1", sender: "bob", timestamp: 2 });
    s.messages.recordEdit(portal.id, "m1");
    s.messages.markRemoteDeleted(portal.id, "m1");
    expect(s.messages.findRemote(portal.id, "m1")).toMatchObject({ editCount: 1, deleted: true, kind: "message" });
    expect(s.messages.findRemote(portal.id, "e1")).toMatchObject({ kind: "edit", targetId: "m1", editCount: 0 });
  });

  it("keeps one reaction per person per message, replacing the emoji", () => {
    const s = storage();
    const portal = s.portals.ensure({ network: "whatsapp", chatId: "bob", receiver: "alice" }, "direct");
    const reaction = { portalId: portal.id, targetId: "m1", sender: "bob", emoji: "👍", roomId: "!r", eventId: "$r1" };
    s.reactions.set(reaction);
    s.reactions.set({ ...reaction, emoji: "❤️", eventId: "$r2" });
    expect(s.reactions.find(portal.id, "m1", "bob")).toMatchObject({ emoji: "❤️", eventId: "$r2" });
    expect(s.reactions.findEvent(portal.id, "!r", "$r1")).toBeUndefined();
    s.reactions.delete(portal.id, "m1", "bob");
    expect(s.reactions.find(portal.id, "m1", "bob")).toBeUndefined();
  });

  it("drops a portal's messages and reactions with the portal, and its logins' membership with the login", () => {
    const s = storage();
    const saved = s.logins.save(login);
    const portal = s.portals.ensure({ network: "whatsapp", chatId: "g", receiver: "" }, "group");
    s.portals.addMember(portal.id, saved.id);
    s.portals.addMember(portal.id, saved.id);
    expect(s.portals.loginIds(portal.id)).toEqual([saved.id]);
    expect(s.portals.listForLogin(saved.id).map((p) => p.id)).toEqual([portal.id]);
    s.logins.delete(saved.id);
    expect(s.portals.loginIds(portal.id)).toEqual([]);
  });
});

describe("ghosts", () => {
  it("remembers the profile written for a remote person and finds them by Matrix user", () => {
    const s = storage();
    s.ghosts.save({ network: "whatsapp", remoteUserId: "bob@s", matrixUserId: "@whatsapp_1:x", name: "Bob", avatarId: undefined, avatarMxc: undefined });
    expect(s.ghosts.get("whatsapp", "bob@s")?.name).toBe("Bob");
    expect(s.ghosts.findByMatrixUser("@whatsapp_1:x")?.remoteUserId).toBe("bob@s");
  });
});
