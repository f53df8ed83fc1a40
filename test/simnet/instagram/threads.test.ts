/**
 * Instagram threads: one direct thread per pair (by username or pk), the inbox by last activity
 * with cursors and its realtime seq_id, items newest first with cursors, privacy of threads one
 * is not in, and groups: titles, admins, who may add, remove, rename and leave, and the thread
 * patches and action-log items everyone gets.
 */
import { describe, expect, it } from "@jest/globals";
import { FrameSocket } from "../../../src/simnet/client/socket.js";
import { Harness } from "./harness.js";

describe("instagram threads", () => {
  it("opens one direct thread per pair, by username or pk, announced to both once", async () => {
    const h = await Harness.start();
    const alice = await h.user("alice");
    const bob = await h.user("bob");
    const bobEvents = await h.listen(bob);
    const byName = await alice.directThread({ username: "bob" });
    const byPk = await alice.directThread({ userId: bob.userId });
    const fromBob = await bob.directThread({ username: "alice" });
    expect(byName.thread_id).toMatch(/^\d{39}$/);
    expect(new Set([byName.thread_id, byPk.thread_id, fromBob.thread_id]).size).toBe(1);
    expect(byName).toMatchObject({ thread_type: "private", is_group: false, thread_title: "bob", viewer_id: alice.userId });
    expect(byName.users.map((u) => u.pk)).toEqual([bob.userId]);
    await bobEvents.until((e) => e.type === "thread");
    expect(bobEvents.of("thread")).toEqual([expect.objectContaining({ op: "add", threadId: byName.thread_id })]);
    await expect(alice.directThread({ userId: alice.userId })).rejects.toMatchObject({ code: "invalid_recipient" });
  });

  it("lists the inbox by last activity, newest first, in cursor pages", async () => {
    const h = await Harness.start();
    const me = await h.user("me");
    const threads: string[] = [];
    // The clock moves between steps so no two threads share a last-activity time.
    for (const name of ["p1", "p2", "p3", "p4", "p5"]) {
      await h.account(name);
      threads.push((await me.directThread({ username: name })).thread_id);
      h.clock.offsetMs += 10;
    }
    // Activity order, oldest to newest: p3, p1, p5 (p2 and p4 only created, before them).
    for (const index of [2, 0, 4]) {
      await me.sendText(threads[index]!, `to ${index}`);
      h.clock.offsetMs += 10;
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const { inbox } = await me.inbox({ limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...inbox.threads.map((t) => t.users[0]!.username));
      cursor = inbox.has_older ? inbox.oldest_cursor! : undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(["p5", "p1", "p3", "p4", "p2"]);
    const first = (await me.inbox({ limit: 1 })).inbox.threads[0]!;
    expect(first.items.map((i) => i.text)).toEqual(["to 4"]);
    await expect(me.inbox({ cursor: "nonsense" })).rejects.toMatchObject({ code: "invalid_cursor" });
    await expect(me.inbox({ limit: 51 })).rejects.toMatchObject({ code: "invalid_argument" });
  });

  it("gives the inbox's realtime position: connecting with it brings only what came after", async () => {
    const h = await Harness.start();
    const alice = await h.user("alice");
    const bob = await h.user("bob");
    const thread = await alice.directThread({ username: "bob" });
    await alice.sendText(thread.thread_id, "before the snapshot");
    const snapshot = await bob.inbox();
    expect(snapshot.seq_id).toBe(2);
    expect(snapshot.inbox.unseen_count).toBe(1);
    await alice.sendText(thread.thread_id, "after the snapshot");
    const events = await h.listen(bob, { seqId: snapshot.seq_id });
    const [event] = await events.until((e) => e.type === "item");
    expect(event).toMatchObject({ seqId: 3, item: { text: "after the snapshot" } });
    expect(events.events).toHaveLength(1);
  });

  it("pages a thread's items newest first with item-id cursors", async () => {
    const h = await Harness.start();
    const { alice, thread_id } = await h.pair();
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push(await alice.sendText(thread_id, `m${i}`));
    const ids = sent.map((item) => BigInt(item.item_id));
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
    const first = await alice.thread(thread_id, { limit: 2 });
    expect(first.items.map((i) => i.text)).toEqual(["m4", "m3"]);
    expect(first.has_older).toBe(true);
    const second = await alice.thread(thread_id, { limit: 2, cursor: first.oldest_cursor! });
    expect(second.items.map((i) => i.text)).toEqual(["m2", "m1"]);
    const last = await alice.thread(thread_id, { limit: 2, cursor: second.oldest_cursor! });
    expect(last.items.map((i) => i.text)).toEqual(["m0"]);
    expect(last.has_older).toBe(false);
    await expect(alice.thread(thread_id, { cursor: "abc" })).rejects.toMatchObject({ code: "invalid_item_id" });
  });

  it("hides a thread from anyone not in it", async () => {
    const h = await Harness.start();
    const alice = await h.user("alice");
    await h.account("bob");
    const eve = await h.user("eve");
    const { thread_id } = await alice.directThread({ username: "bob" });
    const item = await alice.sendText(thread_id, "private");
    await expect(eve.thread(thread_id)).rejects.toMatchObject({ status: 404, code: "thread_not_found" });
    await expect(eve.sendText(thread_id, "let me in")).rejects.toMatchObject({ code: "thread_not_found" });
    await expect(eve.react(thread_id, item.item_id, "😂")).rejects.toMatchObject({ code: "thread_not_found" });
    expect((await eve.inbox()).inbox.threads).toEqual([]);
  });

  it("creates groups with a title, the creator as admin, and tells every member", async () => {
    const h = await Harness.start();
    const alice = await h.user("alice");
    const bob = await h.user("bob");
    await h.account("carol");
    const bobEvents = await h.listen(bob);
    const group = await alice.createGroup({ usernames: ["bob", "carol"] }, { title: "Wonderland" });
    expect(group).toMatchObject({ thread_type: "group", is_group: true, thread_title: "Wonderland", named: true, admin_user_ids: [alice.userId] });
    expect(group.users).toHaveLength(2);
    const [added, log] = await bobEvents.until((e) => (e.type === "thread" && e.op === "add") || e.type === "item", 2);
    expect(added).toMatchObject({ type: "thread", op: "add", threadId: group.thread_id, thread: { thread_title: "Wonderland" } });
    expect(log).toMatchObject({ type: "item", item: { item_type: "action_log", action_log: { description: "alice created the group." } } });
    await expect(alice.createGroup({ usernames: ["bob"] })).rejects.toMatchObject({ code: "not_enough_participants" });
    await expect(alice.createGroup({ usernames: ["bob", "carol"] }, { title: "x".repeat(101) })).rejects.toMatchObject({ code: "invalid_title" });
  });

  it("lets only admins add and remove people or appoint admins; anyone may rename", async () => {
    const h = await Harness.start();
    const alice = await h.user("alice");
    const bob = await h.user("bob");
    await h.account("carol");
    const dave = await h.account("dave");
    const group = await alice.createGroup({ usernames: ["bob", "carol"] });
    await expect(bob.addUsers(group.thread_id, [dave.pk])).rejects.toMatchObject({ status: 403, code: "not_admin" });
    expect((await alice.addUsers(group.thread_id, [dave.pk])).users.map((u) => u.username).sort()).toEqual(["bob", "carol", "dave"]);
    await expect(alice.addUsers(group.thread_id, [dave.pk])).rejects.toMatchObject({ code: "already_participant" });
    expect((await bob.renameGroup(group.thread_id, "Renamed by bob")).thread_title).toBe("Renamed by bob");
    await expect(bob.addAdmins(group.thread_id, [bob.userId])).rejects.toMatchObject({ code: "not_admin" });
    expect((await alice.addAdmins(group.thread_id, [bob.userId])).admin_user_ids.sort()).toEqual([alice.userId, bob.userId].sort());
    expect((await bob.removeUsers(group.thread_id, [dave.pk])).users.map((u) => u.username).sort()).toEqual(["alice", "carol"]);
    expect((await alice.removeAdmins(group.thread_id, [bob.userId])).admin_user_ids).toEqual([alice.userId]);
    const direct = await alice.directThread({ username: "bob" });
    await expect(alice.renameGroup(direct.thread_id, "no")).rejects.toMatchObject({ code: "not_a_group" });
    const log = (await h.admin.items(group.thread_id)).filter((i) => i.item_type === "action_log").map((i) => i.action_log!.description);
    expect(log).toEqual([
      "alice created the group.",
      "alice added dave.",
      'bob named the group "Renamed by bob".',
      "alice made bob an admin.",
      "bob removed dave.",
      "alice removed bob as an admin.",
    ]);
  });

  it("takes the thread away from who is removed and tells the rest", async () => {
    const h = await Harness.start();
    const alice = await h.user("alice");
    const bob = await h.user("bob");
    const carol = await h.user("carol");
    const group = await alice.createGroup({ usernames: ["bob", "carol"] });
    const [bobEvents, carolEvents] = await Promise.all([h.listen(bob), h.listen(carol)]);
    await alice.removeUsers(group.thread_id, [bob.userId]);
    await bobEvents.until((e) => e.type === "thread" && e.op === "remove" && e.threadId === group.thread_id);
    const [change] = await carolEvents.until((e) => e.type === "thread" && e.op === "replace");
    expect(change).toMatchObject({ thread: { users: [expect.objectContaining({ username: "alice" })] } });
    await expect(bob.thread(group.thread_id)).rejects.toMatchObject({ code: "thread_not_found" });
    await expect(bob.sendText(group.thread_id, "still here?")).rejects.toMatchObject({ code: "thread_not_found" });
  });

  it("lets anyone leave; when the last admin leaves, the longest-standing member becomes admin", async () => {
    const h = await Harness.start();
    const alice = await h.user("alice");
    const bob = await h.user("bob");
    await h.account("carol");
    const group = await alice.createGroup({ usernames: ["bob", "carol"] });
    await alice.leaveGroup(group.thread_id);
    const after = await bob.thread(group.thread_id);
    expect(after.users.map((u) => u.username)).toEqual(["carol"]);
    expect(after.admin_user_ids).toHaveLength(1);
    expect(after.admin_user_ids[0]).not.toBe(alice.userId);
    expect((await alice.inbox()).inbox.threads).toEqual([]);
  });

  it("creates threads and lists stored items through the admin API", async () => {
    const h = await Harness.start();
    const alice = await h.account("alice");
    await h.account("bob");
    await h.account("carol");
    const group = await h.admin.createThread({ kind: "group", members: ["alice", "bob", "carol"], admins: ["bob"], title: "Admin made" });
    const stored = await h.admin.thread(group.thread_id);
    expect(stored).toMatchObject({ kind: "group", title: "Admin made", creator: alice.pk });
    expect(stored.participants.filter((p) => p.is_admin).map((p) => p.username)).toEqual(["bob"]);
    const direct = await h.admin.createThread({ kind: "direct", members: ["alice", "bob"] });
    expect((await h.admin.createThread({ kind: "direct", members: ["bob", "alice"] })).thread_id).toBe(direct.thread_id);
    const bob = await h.login("bob");
    await bob.sendText(direct.thread_id, "hello from bob");
    expect((await h.admin.items(direct.thread_id)).map((i) => [i.user_id, i.text])).toEqual([[bob.userId, "hello from bob"]]);
    await expect(h.admin.createThread({ kind: "direct", members: ["alice", "bob", "carol"] })).rejects.toMatchObject({ status: 400 });
  });

  it("answers a realtime connect with a wrong token with login_required and closes", async () => {
    const h = await Harness.start();
    const socket = await FrameSocket.open(`${h.url}/realtime`);
    const answer = socket.next();
    socket.send({ type: "connect", token: "IGT:2:not-a-token" });
    expect(await answer).toMatchObject({ type: "error", error_type: "login_required" });
    await new Promise((resolve) => socket.onClose(resolve));
    expect(socket.closed?.code).toBe(4401);
  });
});
