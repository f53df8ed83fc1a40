/**
 * Third-party chats a provider makes and runs on Instagram: a direct chat is one user and one
 * identity, found again for the same pair; a group mixes users and identities under Instagram's
 * group rules (its creating identity is its admin, only admins add and remove, titles up to 100
 * characters); a provider touches only its own chats, identities and opted-in users; and what
 * users do to the group (add friends, rename, leave) reaches the provider.
 */
import { describe, expect, it } from "@jest/globals";
import { Harness } from "./harness.js";
import { connectProvider, directScene, identity, listeningProvider, native, optedIn } from "./interop-harness.js";

describe("instagram third-party chats made by a provider", () => {
  it("opens a direct chat between an identity and a user, announced to the user, and finds it again for the same pair", async () => {
    const h = await Harness.start();
    const p = await listeningProvider(h);
    const alice = await optedIn(h, "alice");
    const aliceEvents = await h.listen(alice);
    await p.api.publishIdentity({ id: "wa.wes", name: "Wes", network: "whatsapp", handle: "wes" });
    const chat = await p.api.createChat({ kind: "direct", creator: "wa.wes", members: [native(alice.userId), identity("wa.wes")] });
    expect(chat).toEqual({ id: expect.stringMatching(/^\d{39}$/), kind: "direct", members: expect.arrayContaining([native(alice.userId), identity("wa.wes")]), creator: identity("wa.wes") });
    expect(chat.members).toHaveLength(2);
    await aliceEvents.until((e) => e.type === "thread" && e.op === "add" && e.threadId === chat.id);
    expect((await p.api.createChat({ kind: "direct", creator: "wa.wes", members: [native(alice.userId)] })).id).toBe(chat.id);
    expect((await p.until("chat")).chat.id).toBe(chat.id);
    expect(p.of("chat")).toHaveLength(1);
    const [stored] = await h.admin.thirdPartyThreads(p.credentials.providerId);
    expect(stored).toMatchObject({ thread_id: chat.id, thread_type: "private", provider_id: p.credentials.providerId });
  });

  it("refuses a direct chat that is not one user and one identity", async () => {
    const h = await Harness.start();
    const p = await connectProvider(h);
    const alice = await optedIn(h, "alice");
    const bob = await optedIn(h, "bob");
    await p.api.publishIdentity({ id: "a", name: "A", network: "matrix", handle: "a" });
    await p.api.publishIdentity({ id: "b", name: "B", network: "matrix", handle: "b" });
    const refused = { status: 400, code: "invalid_argument" };
    await expect(p.api.createChat({ kind: "direct", creator: "a", members: [native(alice.userId), native(bob.userId)] })).rejects.toMatchObject(refused);
    await expect(p.api.createChat({ kind: "direct", creator: "a", members: [identity("b")] })).rejects.toMatchObject(refused);
    await expect(p.api.createChat({ kind: "direct", creator: "a", members: [] })).rejects.toMatchObject(refused);
  });

  it("makes groups of users and identities whose creating identity is the admin, with Instagram's title limit", async () => {
    const h = await Harness.start();
    const p = await listeningProvider(h);
    const alice = await optedIn(h, "alice");
    await p.api.publishIdentity({ id: "mx.mia", name: "Mia", network: "matrix", handle: "mia" });
    await p.api.publishIdentity({ id: "ms.max", name: "Max", network: "messenger", handle: "max" });
    await expect(p.api.createChat({ kind: "group", title: "x".repeat(101), creator: "mx.mia", members: [native(alice.userId), identity("ms.max")] })).rejects.toMatchObject({ code: "invalid_title" });
    // Instagram's rule for groups people make holds here too: three people at least.
    await expect(p.api.createChat({ kind: "group", title: "Two", creator: "mx.mia", members: [native(alice.userId)] })).rejects.toMatchObject({ code: "not_enough_participants" });
    const group = await p.api.createChat({ kind: "group", title: "Four networks", creator: "mx.mia", members: [native(alice.userId), identity("ms.max")] });
    expect(group).toMatchObject({ kind: "group", title: "Four networks", creator: identity("mx.mia") });
    const seen = await alice.thread(group.id);
    expect(seen).toMatchObject({ thread_type: "group", thread_title: "Four networks" });
    expect(seen.admin_user_ids).toEqual([seen.users.find((u) => u.third_party?.id === "mx.mia")!.pk]);
    expect(seen.items.map((i) => i.action_log?.description)).toEqual(["mia created the group."]);
    expect((await p.until("chat")).chat.members).toEqual(expect.arrayContaining([identity("mx.mia"), identity("ms.max"), native(alice.userId)]));
  });

  it("a group needs an Instagram user in it", async () => {
    const h = await Harness.start();
    const p = await connectProvider(h);
    await p.api.publishIdentity({ id: "a", name: "A", network: "matrix", handle: "a" });
    await p.api.publishIdentity({ id: "b", name: "B", network: "matrix", handle: "b" });
    await expect(p.api.createChat({ kind: "group", creator: "a", members: [identity("b")] })).rejects.toMatchObject({ code: "not_enough_participants" });
  });

  it("only the group's admins add or remove people, and the provider hears of each change with who made it", async () => {
    const h = await Harness.start();
    const p = await listeningProvider(h);
    const alice = await optedIn(h, "alice");
    const bob = await optedIn(h, "bob");
    await p.api.publishIdentity({ id: "mx.mia", name: "Mia", network: "matrix", handle: "mia" });
    await p.api.publishIdentity({ id: "ms.max", name: "Max", network: "messenger", handle: "max" });
    const group = await p.api.createChat({ kind: "group", creator: "mx.mia", members: [native(alice.userId), identity("ms.max")] });
    await expect(p.api.addMembers(group.id, "ms.max", [native(bob.userId)])).rejects.toMatchObject({ status: 403, code: "not_admin" });
    await p.api.addMembers(group.id, "mx.mia", [native(bob.userId)]);
    const added = await p.until("members", (e) => e.added.length > 0);
    expect(added).toEqual({ type: "members", chat: group.id, added: [native(bob.userId)], removed: [], by: identity("mx.mia") });
    await expect(p.api.addMembers(group.id, "mx.mia", [native(bob.userId)])).rejects.toMatchObject({ code: "already_participant" });
    await p.api.removeMembers(group.id, "mx.mia", [native(bob.userId), identity("ms.max")]);
    await p.until("members", (e) => e.removed.length === 1 && e.removed[0]!.id === "ms.max");
    expect((await alice.thread(group.id)).users.map((u) => u.username).sort()).toEqual(["mia"]);
    await expect(bob.thread(group.id)).rejects.toMatchObject({ code: "thread_not_found" });
    await expect(p.api.removeMembers(group.id, "mx.mia", [native(bob.userId)])).rejects.toMatchObject({ code: "not_participant" });
    // A direct chat has no members to change.
    const direct = await p.api.createChat({ kind: "direct", creator: "ms.max", members: [native(alice.userId)] });
    await expect(p.api.addMembers(direct.id, "ms.max", [native(bob.userId)])).rejects.toMatchObject({ code: "not_a_group" });
  });

  it("puts in a chat only the provider's own identities and users who opted in, answering alike for users missing and unwilling", async () => {
    const h = await Harness.start();
    const p = await connectProvider(h, "one");
    const other = await connectProvider(h, "two");
    const shy = await h.user("shy");
    await p.api.publishIdentity({ id: "a", name: "A", network: "matrix", handle: "a" });
    await other.api.publishIdentity({ id: "b", name: "B", network: "matrix", handle: "b" });
    const alice = await optedIn(h, "alice");
    await expect(p.api.createChat({ kind: "group", creator: "a", members: [native(alice.userId), identity("b")] })).rejects.toMatchObject({ status: 404, code: "third_party_not_found" });
    await expect(p.api.createChat({ kind: "group", creator: "b", members: [native(alice.userId)] })).rejects.toMatchObject({ code: "third_party_not_found" });
    const unwilling = await p.api.createChat({ kind: "direct", creator: "a", members: [native(shy.userId)] }).catch((e: unknown) => e);
    const missing = await p.api.createChat({ kind: "direct", creator: "a", members: [native("17841400000009999")] }).catch((e: unknown) => e);
    expect(unwilling).toMatchObject({ status: 403, code: "not_opted_in" });
    expect(missing).toMatchObject({ status: 403, code: "not_opted_in", message: (unwilling as Error).message });
    // An identity's pk passed as a user is no user.
    const bPk = (await h.admin.identities(other.credentials.providerId))[0]!.pk;
    await expect(p.api.createChat({ kind: "direct", creator: "a", members: [native(bPk)] })).rejects.toMatchObject({ code: "not_opted_in" });
  });

  it("acts only in its own chats: another provider's and ordinary threads are not found", async () => {
    const h = await Harness.start();
    const { p, alice, chat } = await directScene(h);
    const other = await connectProvider(h, "other");
    await other.api.publishIdentity({ id: "ms.ivy", name: "Ivy", network: "messenger", handle: "ivy" });
    await expect(other.api.send(chat.id, "ms.ivy", { text: "hi" }, "k")).rejects.toMatchObject({ status: 404, code: "thread_not_found" });
    await h.account("bob");
    const ordinary = await alice.directThread({ username: "bob" });
    await expect(p.api.send(ordinary.thread_id, "ms.ivy", { text: "hi" }, "k")).rejects.toMatchObject({ code: "thread_not_found" });
    await expect(p.api.send(chat.id, "ms.nobody", { text: "hi" }, "k")).rejects.toMatchObject({ code: "third_party_not_found" });
  });

  it("users add opted-in friends and contacts to a third-party group and rename or leave it; the provider hears each, and ordinary groups take no contacts", async () => {
    const h = await Harness.start();
    const p = await listeningProvider(h);
    await p.api.publishIdentity({ id: "mx.mia", name: "Mia", network: "matrix", handle: "mia" });
    await p.api.publishIdentity({ id: "ms.max", name: "Max", network: "messenger", handle: "max" });
    const alice = await optedIn(h, "alice");
    const bob = await optedIn(h, "bob");
    const carol = await h.user("carol");
    const dave = await optedIn(h, "dave");
    const mia = { providerId: p.credentials.providerId, id: "mx.mia" };
    const group = await alice.createThirdPartyThread({ kind: "group", title: "Club", thirdParty: [mia], userIds: [dave.userId] });
    await alice.addUsers(group.thread_id, [bob.userId]);
    expect(await p.until("members", (e) => e.added.some((m) => m.id === bob.userId))).toMatchObject({ by: native(alice.userId) });
    await expect(alice.addUsers(group.thread_id, [carol.userId])).rejects.toMatchObject({ code: "not_opted_in" });
    const [max] = await alice.searchThirdParty("max");
    await alice.addUsers(group.thread_id, [max!.pk]);
    await p.until("members", (e) => e.added.some((m) => m.kind === "third_party" && m.id === "ms.max"));
    await bob.renameGroup(group.thread_id, "Night club");
    expect(await p.until("title")).toEqual({ type: "title", chat: group.thread_id, title: "Night club", by: native(bob.userId) });
    await bob.leaveGroup(group.thread_id);
    await p.until("members", (e) => e.removed.some((m) => m.id === bob.userId));
    const ordinary = await alice.createGroup({ userIds: [bob.userId, carol.userId] });
    await expect(alice.addUsers(ordinary.thread_id, [max!.pk])).rejects.toMatchObject({ code: "not_third_party_chat" });
    await expect(alice.directThread({ userId: max!.pk })).rejects.toMatchObject({ code: "user_not_found" });
  });

  it("renaming an identity reaches everyone who shares a chat with it; removing it takes it out of every chat", async () => {
    const h = await Harness.start();
    const { p, alice, chat } = await directScene(h);
    await p.api.publishIdentity({ id: "ms.ole", name: "Ole", network: "messenger", handle: "ole" });
    const group = await p.api.createChat({ kind: "group", title: "G", creator: "ms.ivy", members: [native(alice.userId), identity("ms.ole")] });
    const aliceEvents = await h.listen(alice);
    await p.api.publishIdentity({ id: "ms.ivy", name: "Ivy Renamed", network: "messenger", handle: "ivy.r" });
    const [renamed] = await aliceEvents.until((e) => e.type === "profile");
    expect(renamed).toMatchObject({ user: { username: "ivy.r", full_name: "Ivy Renamed", third_party: { id: "ms.ivy", name: "Ivy Renamed" } } });
    expect((await alice.thread(chat.id)).thread_title).toBe("ivy.r");
    await p.api.removeIdentity("ms.ivy");
    const gone = await p.until("members", (e) => e.removed.some((m) => m.id === "ms.ivy"), 5000);
    expect(gone.by).toEqual(identity("ms.ivy"));
    expect(p.of("members").filter((e) => e.removed.some((m) => m.id === "ms.ivy")).map((e) => e.chat).sort()).toEqual([chat.id, group.id].sort());
    expect((await alice.thread(group.id)).users.map((u) => u.third_party?.id)).toEqual(["ms.ole"]);
    await aliceEvents.until((e) => e.type === "item" && e.item.action_log?.description === "ivy.r left the chat.");
    await expect(p.api.send(chat.id, "ms.ivy", { text: "hi" }, "k")).rejects.toMatchObject({ code: "third_party_not_found" });
    expect(await alice.searchThirdParty("ivy")).toEqual([]);
    expect((await h.admin.identities(p.credentials.providerId))[0]).toMatchObject({ third_party_id: "ms.ivy", removed: true });
  });

  it("refuses identities that break the rules: bad ids, names or handles, and a handle another identity has", async () => {
    const h = await Harness.start();
    const p = await connectProvider(h);
    const publish = (id: string, name: string, handle: string) => p.api.publishIdentity({ id, name, network: "matrix", handle });
    await expect(publish("has space", "N", "h")).rejects.toMatchObject({ code: "invalid_third_party_id" });
    await expect(publish("ok", " ", "h")).rejects.toMatchObject({ code: "invalid_full_name" });
    await expect(publish("ok", "N", "two words")).rejects.toMatchObject({ code: "invalid_handle" });
    await publish("one", "One", "same");
    await expect(publish("two", "Two", "SAME")).rejects.toMatchObject({ code: "handle_taken" });
    await expect(p.api.publishIdentity({ id: "x", name: "X", network: "irc" as "matrix", handle: "x" })).rejects.toMatchObject({ code: "invalid_argument" });
  });
});
