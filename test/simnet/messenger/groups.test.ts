/**
 * Group threads: the creator is admin; admins add, remove and promote; anyone renames or changes
 * the image unless admins restricted it; anyone leaves; every change is a delta to all members.
 */
import { describe, expect, it } from "@jest/globals";
import { type MessengerWorld, refusal, useMessenger } from "./harness.js";

const start = useMessenger();


async function group(world: MessengerWorld) {
  const alice = await world.online("Alice");
  const bob = await world.online("Bob");
  const carol = await world.online("Carol");
  const thread = await alice.client.api.createThread([bob.user.account.id, carol.user.account.id], "Book club");
  return { alice, bob, carol, thread, id: thread.id };
}

describe("messenger group threads", () => {
  it("creates a group with its own numeric id, the creator as admin, and tells every member", async () => {
    const world = await start();
    const { alice, bob, carol, thread } = await group(world);
    expect(thread.id).toMatch(/^2\d{15}$/);
    expect(thread).toMatchObject({ kind: "group", name: "Book club", admin_only_edits: false });
    expect(thread.participants.map((p) => [p.name, p.is_admin])).toEqual([
      ["Alice", true],
      ["Bob", false],
      ["Carol", false],
    ]);
    for (const member of [bob, carol]) expect(await member.deltas.next("thread_created")).toMatchObject({ thread_id: thread.id, own: false, thread: { name: "Book club" } });
    expect(await alice.deltas.next("thread_created")).toMatchObject({ own: true });
    await bob.client.api.send(thread.id, { text: "hi all" });
    expect((await carol.deltas.next("new_message")).message).toMatchObject({ thread_id: thread.id, text: "hi all" });
  });

  it("needs at least three people for a group", async () => {
    const world = await start();
    const alice = await world.login(await world.user("Alice"));
    const bob = await world.user("Bob");
    const direct = await alice.api.createThread([bob.account.id]);
    expect(direct).toMatchObject({ kind: "direct", id: bob.account.id });
    expect(await refusal(alice.api.createThread([bob.account.id], "Just us"))).toEqual([400, "invalid_argument"]);
  });

  it("lets admins add people, who receive the thread with the participants_added delta", async () => {
    const world = await start();
    const { alice, bob, id } = await group(world);
    const dave = await world.online("Dave");
    expect(await refusal(bob.client.api.addParticipants(id, [dave.user.account.id]))).toEqual([403, "not_admin"]);
    const updated = await alice.client.api.addParticipants(id, [dave.user.account.id]);
    expect(updated.participants.map((p) => p.name)).toEqual(["Alice", "Bob", "Carol", "Dave"]);
    expect(await dave.deltas.next("participants_added")).toMatchObject({ user_ids: [dave.user.account.id], thread: { id, name: "Book club" } });
    expect(await bob.deltas.next("participants_added")).toMatchObject({ user_ids: [dave.user.account.id] });
    expect(await refusal(alice.client.api.addParticipants(id, [dave.user.account.id]))).toEqual([409, "already_participant"]);
  });

  it("lets admins remove people, who hear of it and can no longer write", async () => {
    const world = await start();
    const { alice, bob, carol, id } = await group(world);
    expect(await refusal(bob.client.api.removeParticipant(id, carol.user.account.id))).toEqual([403, "not_admin"]);
    await alice.client.api.removeParticipant(id, carol.user.account.id);
    expect(await carol.deltas.next("participant_removed")).toMatchObject({ user_id: carol.user.account.id, actor_id: alice.user.account.id });
    expect(await bob.deltas.next("participant_removed")).toMatchObject({ user_id: carol.user.account.id });
    expect(await refusal(carol.client.api.send(id, { text: "still here?" }))).toEqual([403, "not_participant"]);
  });

  it("lets anyone leave, and promotes the longest-standing member when the last admin leaves", async () => {
    const world = await start();
    const { alice, bob, carol, id } = await group(world);
    await alice.client.api.removeParticipant(id, alice.user.account.id);
    expect(await carol.deltas.next("participant_removed")).toMatchObject({ user_id: alice.user.account.id, actor_id: alice.user.account.id });
    expect(await carol.deltas.next("admin_changed")).toMatchObject({ user_id: bob.user.account.id, is_admin: true });
    const thread = await bob.client.api.thread(id);
    expect(thread.participants.map((p) => [p.name, p.is_admin])).toEqual([
      ["Bob", true],
      ["Carol", false],
    ]);
    await carol.client.api.removeParticipant(id, carol.user.account.id);
    expect((await bob.client.api.thread(id)).participants.map((p) => p.name)).toEqual(["Bob"]);
  });

  it("lets admins promote and demote, but keeps at least one admin", async () => {
    const world = await start();
    const { alice, bob, carol, id } = await group(world);
    expect(await refusal(bob.client.api.setAdmin(id, carol.user.account.id, true))).toEqual([403, "not_admin"]);
    await alice.client.api.setAdmin(id, bob.user.account.id, true);
    expect(await carol.deltas.next("admin_changed")).toMatchObject({ user_id: bob.user.account.id, is_admin: true });
    await bob.client.api.setAdmin(id, alice.user.account.id, false);
    expect(await refusal(bob.client.api.setAdmin(id, bob.user.account.id, false))).toEqual([409, "last_admin"]);
  });

  it("lets anyone rename or change the image until an admin restricts it to admins", async () => {
    const world = await start();
    const { alice, bob, carol, id } = await group(world);
    await bob.client.api.renameThread(id, "  Reading circle  ");
    expect(await carol.deltas.next("thread_name")).toMatchObject({ name: "Reading circle", actor_id: bob.user.account.id });
    const picture = await bob.client.api.upload({ kind: "image", mime: "image/jpeg", data: Buffer.from("jpeg") });
    await bob.client.api.setThreadImage(id, picture.id);
    expect(await carol.deltas.next("thread_image")).toMatchObject({ image_attachment_id: picture.id });
    const notImage = await bob.client.api.upload({ kind: "file", mime: "text/plain", data: Buffer.from("txt") });
    expect(await refusal(bob.client.api.setThreadImage(id, notImage.id))).toEqual([400, "attachment_kind_mismatch"]);

    expect(await refusal(bob.client.api.setAdminOnlyEdits(id, true))).toEqual([403, "not_admin"]);
    await alice.client.api.setAdminOnlyEdits(id, true);
    expect(await carol.deltas.next("thread_settings")).toMatchObject({ admin_only_edits: true });
    expect(await refusal(bob.client.api.renameThread(id, "Mine now"))).toEqual([403, "not_admin"]);
    expect((await alice.client.api.renameThread(id, null)).name).toBeNull();
    expect(await refusal(alice.client.api.renameThread(id, "x".repeat(101)))).toEqual([400, "invalid_argument"]);
  });

  it("refuses group management on a direct thread", async () => {
    const world = await start();
    const alice = await world.login(await world.user("Alice"));
    const bob = await world.user("Bob");
    expect(await refusal(alice.api.renameThread(bob.account.id, "Us"))).toEqual([400, "not_a_group"]);
    expect(await refusal(alice.api.addParticipants(bob.account.id, [alice.accountId]))).toEqual([400, "not_a_group"]);
  });

  it("creates groups with chosen admins and direct threads through the admin API", async () => {
    const world = await start();
    const [a, b, c] = await Promise.all([world.user("A"), world.user("B"), world.user("C")]);
    const created = await world.admin.createThread({ participantIds: [a.account.id, b.account.id, c.account.id], adminIds: [c.account.id], name: "Ops" });
    expect(created.thread.participants.filter((p) => p.is_admin).map((p) => p.name)).toEqual(["A", "C"]);
    expect(created.ids[b.account.id]).toBe(created.key);
    const direct = await world.admin.createThread({ participantIds: [a.account.id, b.account.id] });
    expect(direct.ids).toEqual({ [a.account.id]: b.account.id, [b.account.id]: a.account.id });
    const client = await world.login(a);
    expect((await client.api.threads()).threads.map((t) => t.id).sort()).toEqual([created.key, b.account.id].sort());
  });
});
