/**
 * Third-party chats on Messenger: identities a provider publishes, found and written to from
 * the app; direct chats and groups made by either side, under Messenger's own group rules; what
 * users see of them; and what the admin API shows.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import { refusal, useMessenger } from "./harness.js";
import { closeProviders, connectProvider, native, optedIn, providerAndAlice, thirdParty } from "./interop-harness.js";

const start = useMessenger();
afterEach(closeProviders);

describe("messenger third-party chats", () => {
  it("publishes identities that opted-in users find by handle or name, with their network badge", async () => {
    const world = await start();
    const { provider, alice, providerId } = await providerAndAlice(world);
    const [bob] = await alice.client.api.searchThirdParty("BOB.in");
    expect(bob).toEqual({
      contact_id: expect.stringMatching(/^9\d{14}$/),
      provider_id: providerId,
      provider_name: "crosschat",
      identity_id: "ig:bob",
      name: "Bob Insta",
      network: "instagram",
      handle: "bob.insta",
    });
    expect((await alice.client.api.searchThirdParty("matrix")).map((c) => c.identity_id)).toEqual(["mx:mo"]);
    expect(await alice.client.api.searchThirdParty("100%")).toEqual([]);

    // Publishing again renames the same contact; another identity cannot take its handle.
    await provider.publishIdentity({ id: "ig:bob", name: "Robert", network: "instagram", handle: "bob.insta" });
    expect(await alice.client.api.searchThirdParty("bob.insta")).toEqual([{ ...bob, name: "Robert" }]);
    expect(await refusal(provider.publishIdentity({ id: "ig:other", name: "Other", network: "instagram", handle: "Bob.Insta" }))).toEqual([409, "handle_taken"]);
    expect(await refusal(provider.publishIdentity({ id: "no spaces", name: "X", network: "matrix", handle: "x" }))).toEqual([400, "invalid_argument"]);
  });

  it("starts a direct chat from the app, the same one for the same pair, listed with the contact marked", async () => {
    const world = await start();
    const { provider, recorder, alice, aliceId, providerId } = await providerAndAlice(world);
    const spec = { kind: "direct" as const, thirdParty: [{ providerId, identityId: "ig:bob" }] };
    const thread = await alice.client.api.startThirdPartyChat(spec);
    const [bob] = await alice.client.api.searchThirdParty("bob.insta");
    expect(thread).toMatchObject({ id: bob!.contact_id, kind: "direct", third_party_provider: { id: providerId, name: "crosschat" } });
    expect(thread.participants).toEqual([
      expect.objectContaining({ id: aliceId, name: "Alice" }),
      expect.objectContaining({ id: bob!.contact_id, name: "Bob Insta", third_party: bob }),
    ]);
    expect((await alice.client.api.startThirdPartyChat(spec)).id).toBe(thread.id);

    const chat = await recorder.next("chat");
    expect(chat.chat).toMatchObject({ kind: "direct", creator: native(aliceId), members: [native(aliceId), thirdParty("ig:bob")] });
    expect((await alice.client.api.threads()).threads.map((t) => t.id)).toEqual([thread.id]);

    await alice.client.api.send(thread.id, { text: "hi Bob" });
    expect(await recorder.next("message")).toMatchObject({ chat: chat.chat.id, sender: native(aliceId), body: { text: "hi Bob" } });
    // The stream is ordered: finding the same chat again told the provider nothing new.
    expect(recorder.ofType("chat")).toHaveLength(1);
    await provider.send(chat.chat.id, "ig:bob", { text: "hi Alice" }, "k1");
    const delta = await alice.deltas.next("new_message", (d) => d.message.text === "hi Alice");
    expect(delta).toMatchObject({ thread_id: thread.id, actor_id: bob!.contact_id, own: false, actor_third_party: bob });
  });

  it("starts a group from the app with contacts and other users, all of whom must have opted in", async () => {
    const world = await start();
    const { recorder, alice, aliceId, providerId } = await providerAndAlice(world);
    const dave = await world.online("Dave");
    const spec = { kind: "group" as const, name: "Across", thirdParty: [{ providerId, identityId: "ig:bob" }, { providerId, identityId: "wa:wendy" }], participantIds: [dave.user.account.id] };
    expect(await refusal(alice.client.api.startThirdPartyChat(spec))).toEqual([403, "not_opted_in"]);
    await dave.client.api.setThirdPartyChats(true);
    const group = await alice.client.api.startThirdPartyChat(spec);
    expect(group).toMatchObject({ kind: "group", name: "Across" });
    expect(group.participants.map((p) => [p.name, p.is_admin, p.third_party?.network ?? "messenger"])).toEqual([
      ["Alice", true, "messenger"],
      ["Dave", false, "messenger"],
      ["Bob Insta", false, "instagram"],
      ["Wendy", false, "whatsapp"],
    ]);
    expect((await recorder.next("chat")).chat).toMatchObject({ id: group.id, kind: "group", title: "Across", creator: native(aliceId) });
    expect(await dave.deltas.next("thread_created")).toMatchObject({ thread_id: group.id });
    const elsewhere = await connectProvider(world);
    await elsewhere.provider.publishIdentity({ id: "x", name: "X", network: "matrix", handle: "x" });
    const mixed = { ...spec, thirdParty: [...spec.thirdParty, { providerId: elsewhere.credentials.providerId, identityId: "x" }] };
    expect(await refusal(alice.client.api.startThirdPartyChat(mixed))).toEqual([400, "invalid_argument"]);
  });

  it("lets a provider open a direct chat as one of its identities, the same one for the same pair", async () => {
    const world = await start();
    const { provider, recorder, alice, aliceId } = await providerAndAlice(world);
    const chat = await provider.createChat({ kind: "direct", creator: "wa:wendy", members: [native(aliceId)] });
    expect(chat).toEqual({ id: expect.any(String), kind: "direct", members: [native(aliceId), thirdParty("wa:wendy")], creator: thirdParty("wa:wendy") });
    expect((await provider.createChat({ kind: "direct", creator: "wa:wendy", members: [native(aliceId)] })).id).toBe(chat.id);
    expect((await recorder.next("chat")).chat).toEqual(chat);
    expect(await refusal(provider.createChat({ kind: "direct", creator: "wa:wendy", members: [native(aliceId), thirdParty("ig:bob")] }))).toEqual([400, "invalid_argument"]);
    expect(await refusal(provider.createChat({ kind: "direct", creator: "nobody", members: [native(aliceId)] }))).toEqual([404, "identity_not_found"]);
    // Like any direct thread, it reaches Alice's inbox with its first message.
    expect((await alice.client.api.threads()).threads).toEqual([]);
    await provider.send(chat.id, "wa:wendy", { text: "hello from WhatsApp" }, "k1");
    const [listed] = (await alice.client.api.threads()).threads;
    expect(listed?.participants.find((p) => p.third_party)?.third_party).toMatchObject({ identity_id: "wa:wendy", network: "whatsapp" });
  });

  it("lets a provider run a group under Messenger's group rules, its creating identity the admin", async () => {
    const world = await start();
    const { provider, recorder, alice, aliceId } = await providerAndAlice(world);
    const dave = await optedIn(world, "Dave");
    const daveId = dave.user.account.id;
    expect(await refusal(provider.createChat({ kind: "group", title: "x".repeat(101), creator: "ig:bob", members: [native(aliceId), native(daveId)] }))).toEqual([400, "invalid_argument"]);
    expect(await refusal(provider.createChat({ kind: "group", title: "Alone", creator: "ig:bob", members: [] }))).toEqual([400, "invalid_argument"]);
    // Messenger's own rule holds for third-party groups too: three people at least.
    expect(await refusal(provider.createChat({ kind: "group", title: "Two", creator: "ig:bob", members: [native(aliceId)] }))).toEqual([400, "invalid_argument"]);
    const group = await provider.createChat({ kind: "group", title: "Trip", creator: "ig:bob", members: [native(aliceId), native(daveId)] });
    expect(group).toMatchObject({ kind: "group", title: "Trip", creator: thirdParty("ig:bob") });
    const thread = await alice.client.api.thread(group.id);
    expect(thread.participants.map((p) => [p.name, p.is_admin])).toEqual([
      ["Alice", false],
      ["Dave", false],
      ["Bob Insta", true],
    ]);

    await provider.addMembers(group.id, "ig:bob", [thirdParty("wa:wendy")]);
    expect(await recorder.next("members", (e) => e.added.length > 0)).toMatchObject({ chat: group.id, added: [thirdParty("wa:wendy")], by: thirdParty("ig:bob") });
    expect(await refusal(provider.addMembers(group.id, "wa:wendy", [thirdParty("mx:mo")]))).toEqual([403, "not_admin"]);
    expect(await refusal(provider.addMembers(group.id, "mx:mo", [thirdParty("mx:mo")]))).toEqual([403, "not_participant"]);
    await provider.removeMembers(group.id, "ig:bob", [native(daveId)]);
    expect(await dave.deltas.next("participant_removed")).toMatchObject({ user_id: daveId, actor_third_party: expect.objectContaining({ identity_id: "ig:bob" }) });
    // The admin leaves; Messenger promotes the longest-standing member.
    await provider.removeMembers(group.id, "ig:bob", [thirdParty("ig:bob")]);
    expect(await alice.deltas.next("admin_changed")).toMatchObject({ user_id: aliceId, is_admin: true });
    expect(await recorder.next("members", (e) => e.removed.some((p) => p.id === "ig:bob"))).toMatchObject({ by: thirdParty("ig:bob") });

    // Users manage it like any group: their changes reach the provider.
    await alice.client.api.renameThread(group.id, "Trip 2");
    expect(await recorder.next("title")).toEqual({ type: "title", chat: group.id, title: "Trip 2", by: native(aliceId) });
    const carol = await world.online("Carol");
    expect(await refusal(alice.client.api.addParticipants(group.id, [carol.user.account.id]))).toEqual([403, "not_opted_in"]);
  });

  it("takes a withdrawn identity out of every chat, and users no longer find it", async () => {
    const world = await start();
    const { provider, recorder, alice, aliceId } = await providerAndAlice(world);
    const dave = await optedIn(world, "Dave");
    const direct = await provider.createChat({ kind: "direct", creator: "ig:bob", members: [native(aliceId)] });
    const group = await provider.createChat({ kind: "group", title: "G", creator: "wa:wendy", members: [native(aliceId), native(dave.user.account.id), thirdParty("ig:bob")] });
    await provider.removeIdentity("ig:bob");
    for (const chat of [direct.id, group.id]) {
      expect(await recorder.next("members", (e) => e.chat === chat && e.removed.length > 0)).toMatchObject({ removed: [thirdParty("ig:bob")], by: thirdParty("ig:bob") });
    }
    expect(await dave.deltas.next("participant_removed")).toMatchObject({ thread_id: group.id });
    expect(await alice.client.api.searchThirdParty("bob")).toEqual([]);
    expect(await refusal(provider.send(direct.id, "ig:bob", { text: "hi" }, "k"))).toEqual([404, "identity_not_found"]);
    await provider.removeIdentity("ig:bob");
  });

  it("lists providers, third-party chats and their stored messages through the admin API", async () => {
    const world = await start();
    const { provider, aliceId, providerId } = await providerAndAlice(world);
    const chat = await provider.createChat({ kind: "direct", creator: "mx:mo", members: [native(aliceId)] });
    const { id } = await provider.send(chat.id, "mx:mo", { text: "stored" }, "k1");
    expect(await world.admin.providers()).toEqual([{ id: providerId, name: "crosschat", created_at: expect.any(Number), revoked_at: null }]);
    const [listed] = await world.admin.interopChats(providerId);
    expect(listed).toMatchObject({ key: chat.id, provider_id: providerId, thread: { id: chat.id, kind: "direct" } });
    const stored = await world.admin.threadMessages(listed!.key);
    expect(stored).toEqual([expect.objectContaining({ id, text: "stored", sender_id: listed!.thread.participants.find((p) => p.third_party)!.id })]);
  });
});
