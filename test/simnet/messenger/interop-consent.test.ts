/**
 * Consent and privacy in Messenger's interoperability API: third-party chats are off until a
 * user turns them on; a lookup tells a provider nothing about anyone who has not; opting out
 * leaves every third-party chat at once and stops the flow both ways; a revoked provider is cut
 * off at once.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import { messengerInteropKit } from "../../../src/simnet/messenger/client/interop.js";
import { SimnetRequestError } from "../../../src/simnet/client/http.js";
import { RawStream, refusal, useMessenger } from "./harness.js";
import { closeProviders, connectProvider, native, optedIn, publishPeople } from "./interop-harness.js";

const start = useMessenger();
afterEach(closeProviders);

describe("messenger third-party chats: consent", () => {
  it("keeps third-party chats off by default, and a provider finds a user only once they turn it on", async () => {
    const world = await start();
    const { provider } = await connectProvider(world);
    const alice = await world.online("Alice");
    expect(await alice.client.api.thirdPartyChats()).toBe(false);
    expect(await provider.lookup(alice.user.email)).toBeUndefined();
    expect(await provider.lookup(alice.user.account.id)).toBeUndefined();

    await alice.client.api.setThirdPartyChats(true);
    expect(await alice.client.api.thirdPartyChats()).toBe(true);
    const found = { id: alice.user.account.id, name: "Alice" };
    expect(await provider.lookup(alice.user.email.toUpperCase())).toEqual(found);
    expect(await provider.lookup(alice.user.account.id)).toEqual(found);
  });

  it("answers a lookup the same way for nobody and for a user who has not opted in", async () => {
    const world = await start();
    const { provider, credentials } = await connectProvider(world);
    const bob = await world.user("Bob");
    expect(await provider.lookup(bob.email)).toBeUndefined();
    expect(await provider.lookup("nobody@example.com")).toBeUndefined();
    // The wire answer itself: same status, code and wording, only the handle differs.
    const raw = async (handle: string) => {
      const response = await fetch(`${world.url}/v1/interop/users?handle=${encodeURIComponent(handle)}`, { headers: { authorization: `Bearer ${credentials.token}` } });
      const body = (await response.json()) as { error: { code: string; message: string } };
      return { status: response.status, code: body.error.code, message: body.error.message.replace(handle, "<handle>") };
    };
    expect(await raw(bob.email)).toEqual(await raw("nobody@example.com"));
    expect(await raw(bob.account.id)).toEqual(await raw("100000000009999"));
  });

  it("refuses a whole chat when one of its Messenger users has not opted in, or does not exist (not_opted_in)", async () => {
    const world = await start();
    const { provider } = await connectProvider(world);
    await publishPeople(provider);
    const alice = await optedIn(world, "Alice");
    const carol = await world.online("Carol");
    const group = { kind: "group" as const, title: "Mixed", creator: "ig:bob", members: [native(alice.user.account.id), native(carol.user.account.id)] };
    expect(await refusal(provider.createChat(group))).toEqual([403, "not_opted_in"]);
    expect(await refusal(provider.createChat({ ...group, members: [native(alice.user.account.id), native("100000000009999")] }))).toEqual([403, "not_opted_in"]);
    expect(await refusal(provider.createChat({ kind: "direct", creator: "ig:bob", members: [native(carol.user.account.id)] }))).toEqual([403, "not_opted_in"]);
    expect(await world.admin.interopChats()).toEqual([]);
    expect(await alice.client.api.threads()).toMatchObject({ threads: [] });
  });

  it("lets only users who opted in search third-party contacts or start chats with them", async () => {
    const world = await start();
    const { provider, credentials } = await connectProvider(world);
    await publishPeople(provider);
    const alice = await world.online("Alice");
    expect(await refusal(alice.client.api.searchThirdParty("bob"))).toEqual([403, "not_opted_in"]);
    const chat = alice.client.api.startThirdPartyChat({ kind: "direct", thirdParty: [{ providerId: credentials.providerId, identityId: "ig:bob" }] });
    expect(await refusal(chat)).toEqual([403, "not_opted_in"]);
    await alice.client.api.setThirdPartyChats(true);
    expect((await alice.client.api.searchThirdParty("bob")).map((c) => c.identity_id)).toEqual(["ig:bob"]);
  });

  it("takes a user who opts out out of every third-party chat at once, tells the provider, and stops the flow both ways", async () => {
    const world = await start();
    const { provider, recorder } = await connectProvider(world);
    await publishPeople(provider);
    const alice = await optedIn(world, "Alice");
    const dave = await optedIn(world, "Dave");
    const aliceId = alice.user.account.id;
    const direct = await provider.createChat({ kind: "direct", creator: "ig:bob", members: [native(aliceId)] });
    const group = await provider.createChat({ kind: "group", title: "Trip", creator: "wa:wendy", members: [native(aliceId), native(dave.user.account.id)] });
    await provider.send(direct.id, "ig:bob", { text: "hi Alice" }, "k1");
    const directAsSheSeesIt = (await alice.deltas.next("new_message", (d) => d.message.text === "hi Alice")).thread_id;

    await alice.client.api.setThirdPartyChats(false);
    // Both departures and the opt-out were stored by the time the request answered.
    for (const chat of [direct.id, group.id]) {
      expect(await recorder.next("members", (e) => e.chat === chat && e.removed.some((p) => p.id === aliceId))).toMatchObject({ by: native(aliceId), added: [] });
    }
    const optOut = await recorder.next("opt_out");
    expect(optOut.user).toBe(aliceId);
    expect(recorder.events.indexOf(optOut)).toBeGreaterThan(recorder.events.findIndex((e) => e.type === "members" && e.removed.some((p) => p.id === aliceId)));
    expect(await dave.deltas.next("participant_removed", (d) => d.user_id === aliceId)).toMatchObject({ thread_id: group.id });
    const threads = await alice.client.api.threads();
    expect(threads.threads).toEqual([]);

    // Nothing more to or from her: the provider is refused, her own sends are refused, lookups miss.
    expect(await refusal(provider.send(direct.id, "ig:bob", { text: "still there?" }, "k2"))).toEqual([403, "not_opted_in"]);
    expect(await refusal(provider.addMembers(group.id, "wa:wendy", [native(aliceId)]))).toEqual([403, "not_opted_in"]);
    expect(await refusal(alice.client.api.send(group.id, { text: "me again" }))).toEqual([403, "not_participant"]);
    expect(await refusal(alice.client.api.send(directAsSheSeesIt, { text: "hi Bob" }))).toEqual([403, "not_participant"]);
    expect(await provider.lookup(alice.user.email)).toBeUndefined();
    await provider.send(group.id, "wa:wendy", { text: "for Dave only" }, "k3");
    await dave.deltas.next("new_message", (d) => d.message.text === "for Dave only");
    expect(alice.deltas.ofType("new_message").map((d) => d.message.text)).toEqual(["hi Alice"]);
  });

  it("cuts a revoked provider off at once: its token is refused and its stream is closed", async () => {
    const world = await start();
    const { provider, credentials } = await connectProvider(world);
    await publishPeople(provider);
    const socket = await RawStream.open(world.url, { provider_token: credentials.token });
    await socket.next((f) => f.type === "connected");

    const revoked = await world.admin.revokeProvider(credentials.providerId);
    expect(revoked.revoked_at).toEqual(expect.any(Number));
    expect(await socket.next((f) => f.type === "error")).toMatchObject({ code: "provider_revoked" });
    expect((await socket.closed()).code).toBe(4002);
    expect(await refusal(provider.publishIdentity({ id: "x", name: "X", network: "matrix", handle: "x" }))).toEqual([401, "unauthorized"]);
    await expect(messengerInteropKit.connect(world.url, credentials)).rejects.toBeInstanceOf(SimnetRequestError);
    const again = await RawStream.open(world.url, { provider_token: credentials.token });
    expect(await again.next((f) => f.type === "error")).toMatchObject({ code: "unauthorized" });
    expect((await again.closed()).code).toBe(4001);
    expect((await world.admin.providers()).map((p) => [p.id, p.revoked_at !== null])).toEqual([[credentials.providerId, true]]);
  });
});
