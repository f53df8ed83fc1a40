/**
 * Third-party chats as Instagram's users meet them: the setting, off until turned on (and the
 * provider told when it is); lookups by username that tell a provider nothing about who is not
 * there or did not opt in; searching the contacts providers published and starting chats with
 * them from the app; seeing them with their badge; and opting out, which takes a user out of
 * every third-party chat at once.
 */
import { describe, expect, it } from "@jest/globals";
import type { AgentEvent } from "../../../src/simnet/client/agent.js";
import { InstagramAgent } from "../../../src/simnet/instagram/client/agent.js";
import { instagramInteropKit } from "../../../src/simnet/instagram/client/interop.js";
import { INTEROP_API } from "../../../src/simnet/instagram/protocol.js";
import { Harness, sleep } from "./harness.js";
import { connectProvider, directScene, identity, listeningProvider, native, optedIn } from "./interop-harness.js";

/** The first of `events` to match, already there or still to come. */
async function arrival(events: AgentEvent[], match: (event: AgentEvent) => boolean): Promise<AgentEvent> {
  for (let waited = 0; waited < 5000; waited += 10) {
    const found = events.find(match);
    if (found) return found;
    await sleep(10);
  }
  throw new Error(`no matching event; received ${JSON.stringify(events.map((e) => e.kind))}`);
}

/** A lookup as it travels, status and body, to compare answers word for word. */
async function rawLookup(h: Harness, token: string, username: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${h.url}${INTEROP_API}/users/${encodeURIComponent(username)}/`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.json() };
}

describe("instagram third-party chats for users", () => {
  it("are off by default, and searching or starting one is refused until the user turns them on", async () => {
    const h = await Harness.start();
    const p = await connectProvider(h);
    await p.api.publishIdentity({ id: "mx.max", name: "Max", network: "matrix", handle: "max" });
    const alice = await h.user("alice");
    expect(await alice.thirdPartyChats()).toBe(false);
    await expect(alice.searchThirdParty("max")).rejects.toMatchObject({ status: 403, code: "not_opted_in" });
    const start = { kind: "direct" as const, thirdParty: [{ providerId: p.credentials.providerId, id: "mx.max" }] };
    await expect(alice.createThirdPartyThread(start)).rejects.toMatchObject({ code: "not_opted_in" });
    expect(await alice.setThirdPartyChats(true)).toBe(true);
    expect(await alice.thirdPartyChats()).toBe(true);
    expect((await alice.createThirdPartyThread(start)).users.map((u) => u.third_party?.id)).toEqual(["mx.max"]);
  });

  it("a lookup answers the same, word for word, for a username nobody has, a user who did not opt in and a malformed name", async () => {
    const h = await Harness.start();
    const { credentials } = await connectProvider(h);
    await h.user("shy");
    await optedIn(h, "alice");
    const missing = await rawLookup(h, credentials.token, "nobody.here");
    expect(missing).toEqual({ status: 404, body: { message: "User not found.", status: "fail", error_type: "user_not_found" } });
    expect(await rawLookup(h, credentials.token, "shy")).toEqual(missing);
    expect(await rawLookup(h, credentials.token, "+15550001111")).toEqual(missing);
    expect((await rawLookup(h, credentials.token, "alice")).status).toBe(200);
  });

  it("a lookup finds an opted-in user by current username and names them by the pk that stays when the username changes", async () => {
    const h = await Harness.start();
    const p = await connectProvider(h);
    const alice = await optedIn(h, "alice");
    await h.admin.updateProfile("alice", { fullName: "Alice Liddell" });
    expect(await p.api.lookup("@Alice")).toEqual({ id: alice.userId, name: "Alice Liddell" });
    await h.admin.rename("alice", "alice.in.wonderland");
    expect(await p.api.lookup("alice")).toBeUndefined();
    expect((await p.api.lookup("alice.in.wonderland"))?.id).toBe(alice.userId);
  });

  it("an opt-in, the list of everyone opted in and a lookup carry username and full name alike; without a full name the username names the user", async () => {
    const h = await Harness.start();
    const p = await listeningProvider(h);
    await h.account("nameless", { fullName: "" });
    const nameless = await h.login("nameless");
    await nameless.setThirdPartyChats(true);
    const user = { id: nameless.userId, name: "nameless" };
    expect((await p.until("opt_in")).user).toEqual(user);
    expect(await p.api.optedIn()).toEqual([user]);
    expect(await p.api.lookup("nameless")).toEqual(user);
    const listed = await fetch(`${h.url}${INTEROP_API}/users/`, { headers: { authorization: `Bearer ${p.credentials.token}` } });
    expect(await listed.json()).toMatchObject({ users: [{ user_id: nameless.userId, username: "nameless", full_name: "" }] });
  });

  it("people search the published contacts by handle or name and see them as users with a network badge", async () => {
    const h = await Harness.start();
    const p = await connectProvider(h);
    await p.api.publishIdentity({ id: "ms.max", name: "Max Mustermann", network: "messenger", handle: "max.m" });
    await p.api.publishIdentity({ id: "wa.mia", name: "Mia", network: "whatsapp", handle: "mia" });
    const alice = await optedIn(h, "alice");
    const byName = await alice.searchThirdParty("mustermann");
    expect(byName).toEqual([
      expect.objectContaining({ username: "max.m", full_name: "Max Mustermann", third_party: { provider_id: p.credentials.providerId, id: "ms.max", name: "Max Mustermann", network: "messenger" } }),
    ]);
    expect((await alice.searchThirdParty("@MIA")).map((u) => u.third_party?.id)).toEqual(["wa.mia"]);
    expect(await alice.searchThirdParty("100%")).toEqual([]);
    await expect(alice.searchThirdParty(" ")).rejects.toMatchObject({ code: "invalid_argument" });
    // A revoked provider's contacts are gone from the search.
    await h.admin.revokeProvider(p.credentials.providerId);
    expect(await alice.searchThirdParty("max")).toEqual([]);
  });

  it("a user starts a direct chat with a contact from the app; the same pair gives the same chat, and the provider hears of it once", async () => {
    const h = await Harness.start();
    const p = await listeningProvider(h);
    await p.api.publishIdentity({ id: "ms.max", name: "Max", network: "messenger", handle: "max.m" });
    const alice = await optedIn(h, "alice");
    const [max] = await alice.searchThirdParty("max");
    const contact = { providerId: max!.third_party!.provider_id, id: max!.third_party!.id };
    const thread = await alice.createThirdPartyThread({ kind: "direct", thirdParty: [contact] });
    expect(thread).toMatchObject({ thread_type: "private", thread_title: "max.m", users: [{ pk: max!.pk, full_name: "Max" }] });
    expect((await alice.createThirdPartyThread({ kind: "direct", thirdParty: [contact] })).thread_id).toBe(thread.thread_id);
    const made = await p.until("chat");
    expect(made.chat).toEqual({ id: thread.thread_id, kind: "direct", members: expect.arrayContaining([native(alice.userId), identity("ms.max")]), creator: native(alice.userId) });
    await alice.sendText(thread.thread_id, "hi Max");
    await p.until("message", (e) => e.body.text === "hi Max");
    expect(p.of("chat")).toHaveLength(1);
    await expect(alice.createThirdPartyThread({ kind: "direct", thirdParty: [contact, contact] })).rejects.toMatchObject({ code: "invalid_argument" });
  });

  it("a user starts a group with contacts and friends who opted in, never with a friend who did not", async () => {
    const h = await Harness.start();
    const p = await listeningProvider(h);
    await p.api.publishIdentity({ id: "mx.max", name: "Max", network: "matrix", handle: "max" });
    const alice = await optedIn(h, "alice");
    const bob = await optedIn(h, "bob");
    const carol = await h.user("carol");
    const contact = { providerId: p.credentials.providerId, id: "mx.max" };
    await expect(alice.createThirdPartyThread({ kind: "group", title: "Tea", thirdParty: [contact], userIds: [carol.userId] })).rejects.toMatchObject({ code: "not_opted_in" });
    const group = await alice.createThirdPartyThread({ kind: "group", title: "Tea", thirdParty: [contact], userIds: [bob.userId], clientContext: "tea-1" });
    expect(group).toMatchObject({ thread_type: "group", thread_title: "Tea", admin_user_ids: [alice.userId] });
    // A retried creation answers the first group.
    expect((await alice.createThirdPartyThread({ kind: "group", title: "Tea", thirdParty: [contact], userIds: [bob.userId], clientContext: "tea-1" })).thread_id).toBe(group.thread_id);
    const made = await p.until("chat");
    expect(made.chat).toMatchObject({ id: group.thread_id, kind: "group", title: "Tea", creator: native(alice.userId) });
    expect(made.chat.members).toEqual(expect.arrayContaining([native(alice.userId), native(bob.userId), identity("mx.max")]));
    expect((await bob.inbox()).inbox.threads.map((t) => t.thread_id)).toContain(group.thread_id);
    expect(p.of("chat")).toHaveLength(1);
  });

  it("contacts of two providers never share a chat, and a revoked provider's contacts cannot be reached", async () => {
    const h = await Harness.start();
    const one = await connectProvider(h, "one");
    const two = await connectProvider(h, "two");
    await one.api.publishIdentity({ id: "a", name: "A", network: "matrix", handle: "a" });
    await two.api.publishIdentity({ id: "b", name: "B", network: "matrix", handle: "b" });
    const alice = await optedIn(h, "alice");
    const a = { providerId: one.credentials.providerId, id: "a" };
    const b = { providerId: two.credentials.providerId, id: "b" };
    await expect(alice.createThirdPartyThread({ kind: "group", thirdParty: [a, b] })).rejects.toMatchObject({ code: "mixed_providers" });
    await h.admin.revokeProvider(two.credentials.providerId);
    await expect(alice.createThirdPartyThread({ kind: "direct", thirdParty: [b] })).rejects.toMatchObject({ status: 404, code: "third_party_not_found" });
    await expect(alice.createThirdPartyThread({ kind: "direct", thirdParty: [{ providerId: "999", id: "b" }] })).rejects.toMatchObject({ code: "third_party_not_found" });
  });

  it("third-party chats sit in the inbox like others, their contacts badged and what they send marked third-party", async () => {
    const h = await Harness.start();
    const { p, alice, chat } = await directScene(h);
    const events = await h.listen(alice);
    const sent = await p.api.send(chat.id, "ms.ivy", { text: "hello from Messenger" }, "k1");
    const [arrived] = await events.until((e) => e.type === "item" && e.item.item_id === sent.id);
    const badge = { provider_id: p.credentials.providerId, id: "ms.ivy", name: "Ivy Example", network: "messenger" };
    expect(arrived).toMatchObject({ item: { text: "hello from Messenger", third_party_sender: badge }, fromSelf: false });
    const { inbox } = await alice.inbox();
    const listed = inbox.threads.find((t) => t.thread_id === chat.id)!;
    expect(listed.users).toEqual([expect.objectContaining({ username: "ivy.example", full_name: "Ivy Example", third_party: badge })]);
    expect(listed.items[0]).toMatchObject({ item_id: sent.id, third_party_sender: badge });
  });

  it("turning third-party chats off leaves every third-party chat at once: the others see it, the provider is told, lookups stop", async () => {
    const h = await Harness.start();
    const { p, alice, chat } = await directScene(h);
    const bob = await optedIn(h, "bob");
    const group = await p.api.createChat({ kind: "group", title: "Crossing", creator: "ms.ivy", members: [native(alice.userId), native(bob.userId)] });
    const ordinary = await alice.directThread({ username: "bob" });
    const bobEvents = await h.listen(bob);
    const aliceEvents = await h.listen(alice);

    await alice.setThirdPartyChats(false);
    await p.until("opt_out", (e) => e.user === alice.userId);
    const left = p.of("members").filter((e) => e.removed.some((m) => m.kind === "native" && m.id === alice.userId));
    expect(left.map((e) => e.chat).sort()).toEqual([chat.id, group.id].sort());
    await bobEvents.until((e) => e.type === "item" && e.item.action_log?.description === "alice left the group.");
    await aliceEvents.until((e) => e.type === "thread" && e.op === "remove", 2);
    expect((await alice.inbox()).inbox.threads.map((t) => t.thread_id)).toEqual([ordinary.thread_id]);
    await expect(alice.thread(chat.id)).rejects.toMatchObject({ code: "thread_not_found" });
    expect(await p.api.lookup("alice")).toBeUndefined();
    // Nothing flows to or from her any more.
    await expect(p.api.send(chat.id, "ms.ivy", { text: "still there?" }, "k2")).rejects.toMatchObject({ status: 403, code: "not_opted_in" });
    await expect(p.api.addMembers(group.id, "ms.ivy", [native(alice.userId)])).rejects.toMatchObject({ code: "not_opted_in" });
    await expect(alice.sendText(group.id, "me?")).rejects.toMatchObject({ code: "thread_not_found" });
    // The group goes on for those still in it.
    await p.api.send(group.id, "ms.ivy", { text: "bye alice" }, "k3");
    await bobEvents.until((e) => e.type === "item" && e.item.text === "bye alice");
  });

  it("a user who turns third-party chats on again is back in the same direct chat when it is opened again", async () => {
    const h = await Harness.start();
    const { p, alice, chat } = await directScene(h);
    await p.api.send(chat.id, "ms.ivy", { text: "first" }, "k1");
    await alice.setThirdPartyChats(false);
    await alice.setThirdPartyChats(true);
    const again = await p.api.createChat({ kind: "direct", creator: "ms.ivy", members: [native(alice.userId)] });
    expect(again.id).toBe(chat.id);
    const back = await p.until("members", (e) => e.added.some((m) => m.kind === "native" && m.id === alice.userId));
    expect(back.chat).toBe(chat.id);
    expect((await alice.thread(chat.id)).items.map((i) => i.text)).toContain("first");
  });

  it("the app's facade turns the setting on, finds contacts, starts chats with them and marks everything they do as third-party", async () => {
    const h = await Harness.start();
    const p = await listeningProvider(h);
    await p.api.publishIdentity({ id: "ms.max", name: "Max", network: "messenger", handle: "max.m" });
    await h.account("alice");
    const agent = new InstagramAgent(await h.login("alice"));
    const bob = await h.user("bob");
    const events: AgentEvent[] = [];
    const stop = await agent.listen((event) => events.push(event));
    await expect(agent.interop.searchThirdParty("max")).rejects.toMatchObject({ code: "not_opted_in" });
    await agent.interop.setThirdPartyChats(true, { discoverableByPhone: true });
    await bob.setThirdPartyChats(true);
    const [max] = await agent.interop.searchThirdParty("max");
    expect(max).toEqual({ id: "ms.max", name: "Max", network: "messenger", handle: "max.m", provider: p.credentials.providerId });
    const group = await agent.interop.startThirdPartyChat({ kind: "group", title: "Pals", thirdParty: [{ provider: max!.provider, id: max!.id }], native: ["@bob"] });
    const sent = await p.api.send(group.id, "ms.max", { text: "hello" }, "k1");
    await p.api.edit(group.id, "ms.max", sent.id, "hello!");
    const mine = await agent.send(group.id, "hi Max");
    await p.api.react(group.id, "ms.max", mine.id, "👍");
    await p.api.markRead(group.id, "ms.max", mine.id);
    await p.api.typing(group.id, "ms.max", true);
    const marked = { provider: p.credentials.providerId, id: "ms.max", name: "Max", network: "messenger" };
    for (const kind of ["message", "edit", "reaction", "receipt", "typing"] as const) {
      expect((await arrival(events, (e) => e.kind === kind && e.sender !== agent.userId)).thirdParty).toEqual(marked);
    }
    expect(events.filter((e) => e.kind === "message" && e.sender === agent.userId).every((e) => e.thirdParty === undefined)).toBe(true);
    expect((await agent.chats()).find((c) => c.id === group.id)).toMatchObject({ kind: "group", title: "Pals", members: expect.arrayContaining([bob.userId]) });
    await stop();
    await agent.close();
  });

  it("the kit refuses to connect with credentials the network does not know", async () => {
    const h = await Harness.start();
    await expect(instagramInteropKit.connect(h.url, { providerId: "1", token: "IGI:1:made-up" })).rejects.toMatchObject({ status: 401, code: "login_required" });
  });
});
