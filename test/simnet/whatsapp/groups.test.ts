import { describe, expect, it } from "@jest/globals";
import { errorCode, record, registerPhone, startWhatsapp, type WaTest } from "./support.js";

async function trio(wa: WaTest) {
  const alice = await registerPhone(wa, "Alice");
  const bob = await registerPhone(wa, "Bob");
  const carol = await registerPhone(wa, "Carol");
  return { alice, bob, carol };
}

describe("whatsapp groups", () => {
  it("creates a group with the creator as super-admin and tells every participant's devices", async () => {
    const wa = await startWhatsapp();
    const { alice, bob, carol } = await trio(wa);
    const notifications = record(bob, "notification");
    await bob.connect();
    const group = await alice.api.createGroup("Weekend", [bob.jid, carol.jid]);
    expect(group.jid).toMatch(/^120363\d{12}@g\.us$/);
    expect(group.participants).toEqual([
      { jid: alice.jid, role: "superadmin" },
      { jid: bob.jid, role: "member" },
      { jid: carol.jid, role: "member" },
    ]);
    const [created] = await notifications.waitFor(1);
    expect(created).toMatchObject({ kind: "group", action: "create", group: group.jid, by: alice.jid, subject: "Weekend" });
    expect((await bob.api.chats()).find((c) => c.jid === group.jid)).toEqual({ jid: group.jid, kind: "group", title: "Weekend", members: [alice.jid, carol.jid] });
  });

  it("delivers group messages to every participant, with the group as the chat and the sender as from", async () => {
    const wa = await startWhatsapp();
    const { alice, bob, carol } = await trio(wa);
    const group = await alice.api.createGroup("Team", [bob.jid, carol.jid]);
    const atBob = record(bob, "message");
    const atCarol = record(carol, "message");
    await Promise.all([bob.connect(), carol.connect()]);
    const sent = await bob.sendText(group.jid, "hello team");
    for (const seen of [atCarol]) expect((await seen.waitFor(1))[0]).toMatchObject({ id: sent.id, chat: group.jid, from: bob.jid });
    expect(atBob.items).toEqual([]);
  });

  it("lets only admins add, remove, promote and demote, reporting a status per participant", async () => {
    const wa = await startWhatsapp();
    const { alice, bob, carol } = await trio(wa);
    const dave = await registerPhone(wa, "Dave");
    const group = await alice.api.createGroup("Club", [bob.jid]);
    expect(await errorCode(bob.api.participants(group.jid, "add", [carol.jid]))).toBe("not_admin");
    const added = await alice.api.participants(group.jid, "add", [carol.jid, bob.jid, "15550009999@s.whatsapp.net"]);
    expect(added.results).toEqual([
      { jid: carol.jid, status: 200 },
      { jid: bob.jid, status: 409, text: "already_participant" },
      { jid: "15550009999@s.whatsapp.net", status: 404, text: "not_on_whatsapp" },
    ]);
    await alice.api.participants(group.jid, "promote", [bob.jid]);
    await bob.api.participants(group.jid, "add", [dave.jid]);
    expect((await bob.api.participants(group.jid, "remove", [alice.jid])).results).toEqual([{ jid: alice.jid, status: 403, text: "is_superadmin" }]);
    await alice.api.participants(group.jid, "demote", [bob.jid]);
    const removed = record(carol, "notification");
    await carol.connect();
    await alice.api.participants(group.jid, "remove", [carol.jid]);
    expect((await removed.waitFor(1, (n) => n.action === "remove"))[0]).toMatchObject({ participants: [carol.jid], by: alice.jid });
    expect(await errorCode(carol.sendText(group.jid, "still here?"))).toBe("not_a_participant");
    expect(await errorCode(carol.api.group(group.jid))).toBe("not_a_participant");
    expect((await alice.api.group(group.jid)).participants.map((p) => [p.jid, p.role])).toEqual([
      [alice.jid, "superadmin"],
      [bob.jid, "member"],
      [dave.jid, "member"],
    ]);
  });

  it("lets everyone change subject, description and picture unless the group is restricted", async () => {
    const wa = await startWhatsapp();
    const { alice, bob } = await trio(wa);
    const group = await alice.api.createGroup("Old name", [bob.jid]);
    expect((await bob.api.setGroupSubject(group.jid, "New name")).subject).toBe("New name");
    expect((await bob.api.setGroupDescription(group.jid, "About us")).description).toBe("About us");
    expect((await bob.api.setGroupPicture(group.jid, Buffer.from("jpeg"))).picture).toMatch(/^gp/);
    expect(await errorCode(bob.api.setGroupSettings(group.jid, { restrict: true }))).toBe("not_admin");
    expect((await alice.api.setGroupSettings(group.jid, { restrict: true })).restrict).toBe(true);
    expect(await errorCode(bob.api.setGroupSubject(group.jid, "Mine now"))).toBe("not_admin");
    expect((await alice.api.setGroupSubject(group.jid, "Admins decide")).subject).toBe("Admins decide");
  });

  it("lets only admins send in announcement mode", async () => {
    const wa = await startWhatsapp();
    const { alice, bob } = await trio(wa);
    const group = await alice.api.createGroup("News", [bob.jid]);
    await alice.api.setGroupSettings(group.jid, { announce: true });
    expect(await errorCode(bob.sendText(group.jid, "can I talk?"))).toBe("announcement_only");
    const news = await alice.sendText(group.jid, "announcement");
    await bob.react(group.jid, news.id, "🎉");
  });

  it("lets group admins delete others' messages for everyone, but not members", async () => {
    const wa = await startWhatsapp();
    const { alice, bob, carol } = await trio(wa);
    const group = await alice.api.createGroup("Moderated", [bob.jid, carol.jid]);
    const spam = await bob.sendText(group.jid, "spam");
    expect(await errorCode(carol.revoke(group.jid, spam.id))).toBe("not_sender");
    await alice.revoke(group.jid, spam.id);
    expect((await wa.admin.messages(group.jid)).find((m) => m.id === spam.id)).toMatchObject({ revoked_by: alice.jid });
  });

  it("hands admin to the longest-standing member when the last admin leaves, and tells the leaver", async () => {
    const wa = await startWhatsapp();
    const { alice, bob, carol } = await trio(wa);
    const group = await alice.api.createGroup("Leaving", [bob.jid, carol.jid]);
    const notes = record(alice, "notification");
    await alice.connect();
    await alice.api.leaveGroup(group.jid);
    await notes.waitFor(1, (n) => n.action === "leave");
    expect((await bob.api.group(group.jid)).participants).toEqual([
      { jid: bob.jid, role: "admin" },
      { jid: carol.jid, role: "member" },
    ]);
    expect(await errorCode(alice.api.group(group.jid))).toBe("not_a_participant");
    expect(await errorCode(alice.api.group("120363999999999999@g.us"))).toBe("group_not_found");
  });

  it("creates chats through the admin API: direct chats and groups with admins", async () => {
    const wa = await startWhatsapp();
    const { alice, bob, carol } = await trio(wa);
    const direct = await wa.admin.createDirectChat(alice.jid, bob.jid);
    expect(direct.chat).toBe([alice.jid, bob.jid].sort().join(","));
    expect((await alice.api.chats()).map((c) => c.jid)).toContain(bob.jid);
    const { group } = await wa.admin.createGroup("Admin made", [carol.jid, alice.jid, bob.jid], [bob.jid]);
    expect(group.participants).toEqual([
      { jid: carol.jid, role: "superadmin" },
      { jid: alice.jid, role: "member" },
      { jid: bob.jid, role: "admin" },
    ]);
  });
});
