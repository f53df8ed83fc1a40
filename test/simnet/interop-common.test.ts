/**
 * The interoperability API's common promises (docs/simnet/interop.md), checked the same way on
 * every simulated network through the common provider face and the people facade: opt-in (told
 * to the provider, and listed for one that starts late), lookups that leak nothing, third-party
 * chats both ways, every action as an identity, redelivery of what the provider did not
 * acknowledge, and opting out. Each network's own rules and wire details are tested beside it,
 * in test/simnet/<network>/interop*.test.ts.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import type { InteropEvent, InteropParticipant, InteropProvider } from "../../src/simnet/client/interop.js";
import type { SimnetNetworkId } from "../../src/simnet/core/network.js";
import { SIMNET_INTEROP_KITS, SIMNET_NETWORKS } from "../../src/simnet/networks.js";
import { simulatedNetwork, type Person, type SimulatedNetwork } from "../support/people.js";

const WAIT_MS = 10_000;

const providers: InteropProvider[] = [];
afterEach(async () => {
  await Promise.all(providers.splice(0).map((provider) => provider.close().catch(() => undefined)));
});

/** A provider connected to the network, with everything it receives recorded and acknowledged. */
async function provider(network: SimulatedNetwork, options: { refuse?: (event: InteropEvent) => boolean } = {}) {
  const kit = SIMNET_INTEROP_KITS[network.id];
  const credentials = await kit.registerProvider(network.net.url, network.net.adminToken, "crosschat");
  const connected = await kit.connect(network.net.url, credentials);
  providers.push(connected);
  const events: InteropEvent[] = [];
  const stop = await connected.listen(async (event) => {
    if (options.refuse?.(event)) throw new Error("not now");
    events.push(event);
  });
  const waitFor = async <T extends InteropEvent>(match: (event: InteropEvent) => event is T, what: string): Promise<T> => {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const found = events.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`the provider on ${network.id} received no ${what}; it has ${JSON.stringify(events.map((e) => e.type))}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { kit, credentials, api: connected, events, stop, waitFor };
}

/** A person on the network who turned third-party chats on (and, on WhatsApp, discovery by number). */
async function optedIn(network: SimulatedNetwork, name: string): Promise<Person> {
  const person = await network.person(name);
  await person.agent.interop.setThirdPartyChats(true, { discoverableByPhone: true });
  return person;
}

const native = (id: string): InteropParticipant => ({ kind: "native", id });
const identity = (id: string): InteropParticipant => ({ kind: "third_party", id });
type OptIn = Extract<InteropEvent, { type: "opt_in" }>;
const isOptIn = (e: InteropEvent): e is OptIn => e.type === "opt_in";
/** `user`'s opt-ins and opt-outs, oldest first. */
const consentOf = (events: InteropEvent[], user: string) =>
  events.flatMap((e) => (e.type === "opt_in" && e.user.id === user ? ["opt_in"] : e.type === "opt_out" && e.user === user ? ["opt_out"] : []));

/** On WhatsApp a person's handle is their phone number, which must never reach a provider. */
function expectNoPhoneNumber(id: SimnetNetworkId, people: Person[], received: unknown): void {
  if (id !== "whatsapp") return;
  const text = JSON.stringify(received);
  for (const person of people) expect({ phone: person.handle, leaked: text.includes(person.handle.replace(/^\+/, "")) }).toEqual({ phone: person.handle, leaked: false });
}
const isMessage = (text: string) => (e: InteropEvent): e is Extract<InteropEvent, { type: "message" }> => e.type === "message" && e.body.text === text;

/** Alice opted in; the provider publishes Ivy (from another network) and opens a direct chat between them. */
async function directScene(id: SimnetNetworkId) {
  const network = await simulatedNetwork(id);
  const p = await provider(network);
  const alice = await optedIn(network, "Alice");
  const found = await p.api.lookup(alice.handle);
  if (!found) throw new Error("the opted-in Alice was not found");
  await p.api.publishIdentity({ id: "ig.ivy", name: "Ivy", network: "instagram", handle: "ivy" });
  const chat = await p.api.createChat({ kind: "direct", creator: "ig.ivy", members: [native(found.id), identity("ig.ivy")] });
  return { network, p, alice, aliceId: found.id, chat };
}

describe.each(SIMNET_NETWORKS.map((network) => [network]))("the interoperability API on %s", (id: SimnetNetworkId) => {
  it("finds only people who opted in, and answers the same for someone who does not exist", async () => {
    const network = await simulatedNetwork(id);
    const p = await provider(network);
    const shy = await network.person("Shy");
    expect(await p.api.lookup(shy.handle)).toBeUndefined();
    expect(await p.api.lookup(id === "whatsapp" ? "+15550009999" : id === "messenger" ? "nobody@example.invalid" : "nobody.here")).toBeUndefined();
    const alice = await optedIn(network, "Alice");
    const found = await p.api.lookup(alice.handle);
    expect(found?.name).toBe("Alice");
    // Stable for this provider.
    expect((await p.api.lookup(alice.handle))?.id).toBe(found?.id);
  });

  it("refuses to put someone who has not opted in into a third-party chat", async () => {
    const network = await simulatedNetwork(id);
    const p = await provider(network);
    const alice = await optedIn(network, "Alice");
    const aliceId = (await p.api.lookup(alice.handle))!.id;
    await alice.agent.interop.setThirdPartyChats(false);
    await p.api.publishIdentity({ id: "mx.ivy", name: "Ivy", network: "matrix", handle: "ivy" });
    await expect(p.api.createChat({ kind: "direct", creator: "mx.ivy", members: [native(aliceId), identity("mx.ivy")] })).rejects.toThrow();
  });

  it("carries a direct chat both ways: the identity's messages reach the person marked third-party, and theirs reach the provider", async () => {
    const { p, alice, aliceId, chat } = await directScene(id);
    const sent = await p.api.send(chat.id, "ig.ivy", { text: "hi from Instagram" }, "key-1");
    const arrived = await alice.waitFor((e) => e.kind === "message" && e.text === "hi from Instagram", "Ivy's message");
    expect(arrived.thirdParty).toMatchObject({ id: "ig.ivy", name: "Ivy", network: "instagram" });
    // The same key gives the same message.
    expect((await p.api.send(chat.id, "ig.ivy", { text: "hi from Instagram" }, "key-1")).id).toBe(sent.id);

    const aliceChat = (await alice.agent.chats()).find((c) => c.id === arrived.chat);
    expect(aliceChat).toBeDefined();
    await alice.agent.send(arrived.chat as string, "hello Ivy", { replyTo: arrived.messageId as string });
    const reply = await p.waitFor(isMessage("hello Ivy"), "Alice's reply");
    expect(reply.chat).toBe(chat.id);
    expect(reply.sender).toEqual(native(aliceId));
    expect(reply.body.replyTo).toBe(sent.id);
    expect(alice.events.filter((e) => e.kind === "message" && e.text === "hi from Instagram")).toHaveLength(1);
  });

  it("lets the identity edit, react, read, type and delete, and tells the provider when the person does", async () => {
    const { p, alice, aliceId, chat } = await directScene(id);
    const byAlice = (e: InteropEvent) => "sender" in e && e.sender.kind === "native" && e.sender.id === aliceId;
    const sent = await p.api.send(chat.id, "ig.ivy", { text: "tpyo" }, "key-edit");
    const arrived = await alice.waitFor((e) => e.kind === "message" && e.text === "tpyo", "the message");
    const aliceChat = arrived.chat as string;
    await p.api.edit(chat.id, "ig.ivy", sent.id, "typo");
    await alice.waitFor((e) => e.kind === "edit" && e.text === "typo", "the edit");
    await alice.agent.react(aliceChat, arrived.messageId as string, "❤️");
    await p.waitFor((e): e is Extract<InteropEvent, { type: "reaction" }> => e.type === "reaction" && e.id === sent.id && e.emoji === "❤️" && byAlice(e), "Alice's reaction");

    const mine = await alice.agent.send(aliceChat, "look");
    const theirs = await p.waitFor(isMessage("look"), "Alice's message");
    await p.api.react(chat.id, "ig.ivy", theirs.id, "👍");
    await alice.waitFor((e) => e.kind === "reaction" && e.messageId === mine.id && e.text === "👍", "the reaction");
    await p.api.markRead(chat.id, "ig.ivy", theirs.id);
    await alice.waitFor((e) => e.kind === "receipt" && e.thirdParty?.id === "ig.ivy", "the read receipt");
    await p.api.typing(chat.id, "ig.ivy", true);
    await alice.waitFor((e) => e.kind === "typing" && e.thirdParty?.id === "ig.ivy", "typing");

    await alice.agent.edit(aliceChat, mine.id, "look here");
    await p.waitFor((e): e is Extract<InteropEvent, { type: "edit" }> => e.type === "edit" && e.id === theirs.id && e.text === "look here" && byAlice(e), "Alice's edit");
    await alice.agent.delete(aliceChat, mine.id);
    await p.waitFor((e): e is Extract<InteropEvent, { type: "delete" }> => e.type === "delete" && e.id === theirs.id && byAlice(e), "Alice's delete");
    await p.api.delete(chat.id, "ig.ivy", sent.id);
    await alice.waitFor((e) => e.kind === "delete" && e.messageId === arrived.messageId, "Ivy's delete");
  });

  it("lets a person find a published identity and start a chat with it from their app; the provider hears of the chat", async () => {
    const network = await simulatedNetwork(id);
    const p = await provider(network);
    const alice = await optedIn(network, "Alice");
    await p.api.publishIdentity({ id: "ms.max", name: "Max Mustermann", network: "messenger", handle: "max.m" });
    const results = await alice.agent.interop.searchThirdParty("max");
    const max = results.find((r) => r.id === "ms.max");
    expect(max).toMatchObject({ name: "Max Mustermann", network: "messenger" });
    const started = await alice.agent.interop.startThirdPartyChat({ kind: "direct", thirdParty: [{ provider: max!.provider, id: "ms.max" }] });
    const made = await p.waitFor((e): e is Extract<InteropEvent, { type: "chat" }> => e.type === "chat" && e.chat.members.some((m) => m.kind === "third_party" && m.id === "ms.max"), "the new chat");
    expect(made.chat.creator.kind).toBe("native");
    await alice.agent.send(started.id, "hi Max");
    await p.waitFor(isMessage("hi Max"), "Alice's first message");
  });

  it("makes groups of people and identities, and follows members joining and leaving", async () => {
    const network = await simulatedNetwork(id);
    const p = await provider(network);
    const alice = await optedIn(network, "Alice");
    const bob = await optedIn(network, "Bob");
    const [aliceId, bobId] = [(await p.api.lookup(alice.handle))!.id, (await p.api.lookup(bob.handle))!.id];
    await p.api.publishIdentity({ id: "mx.mia", name: "Mia", network: "matrix", handle: "mia" });
    const carol = await optedIn(network, "Carol");
    const carolId = (await p.api.lookup(carol.handle))!.id;
    // Three people: the smallest group every network allows.
    const group = await p.api.createChat({ kind: "group", title: "Four networks", creator: "mx.mia", members: [native(aliceId), native(carolId), identity("mx.mia")] });
    await p.api.addMembers(group.id, "mx.mia", [native(bobId)]);
    await p.api.send(group.id, "mx.mia", { text: "welcome" }, "key-group");
    await alice.waitFor((e) => e.kind === "message" && e.text === "welcome", "the welcome, for Alice");
    const bobSees = await bob.waitFor((e) => e.kind === "message" && e.text === "welcome", "the welcome, for Bob");
    await bob.agent.send(bobSees.chat as string, "thanks");
    const thanks = await p.waitFor(isMessage("thanks"), "Bob's answer");
    expect(thanks.sender).toEqual(native(bobId));
    await p.api.removeMembers(group.id, "mx.mia", [native(bobId)]);
    await p.waitFor((e): e is Extract<InteropEvent, { type: "members" }> => e.type === "members" && e.removed.some((m) => m.kind === "native" && m.id === bobId), "Bob's removal");
  });

  it("sends again what the provider did not acknowledge, after it reconnects", async () => {
    const network = await simulatedNetwork(id);
    let refusing = true;
    const p = await provider(network, { refuse: (e) => refusing && e.type === "message" });
    const alice = await optedIn(network, "Alice");
    const aliceId = (await p.api.lookup(alice.handle))!.id;
    await p.api.publishIdentity({ id: "wa.wes", name: "Wes", network: "whatsapp", handle: "wes" });
    const chat = await p.api.createChat({ kind: "direct", creator: "wa.wes", members: [native(aliceId), identity("wa.wes")] });
    await p.api.send(chat.id, "wa.wes", { text: "ping" }, "key-ping");
    const aliceChat = (await alice.waitFor((e) => e.kind === "message" && e.text === "ping", "the ping")).chat as string;
    await alice.agent.send(aliceChat, "kept for you");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(p.events.some(isMessage("kept for you"))).toBe(false);
    refusing = false;
    await p.stop();
    await p.api.close();
    const again = await p.kit.connect(network.net.url, p.credentials);
    providers.push(again);
    const seen: InteropEvent[] = [];
    await again.listen(async (event) => void seen.push(event));
    const deadline = Date.now() + WAIT_MS;
    while (!seen.some(isMessage("kept for you"))) {
      if (Date.now() > deadline) throw new Error(`the unacknowledged message did not come again; got ${JSON.stringify(seen.map((e) => e.type))}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(seen.filter(isMessage("kept for you"))).toHaveLength(1);
  });

  it("takes someone who opts out out of every third-party chat, tells the provider, and stops the flow both ways", async () => {
    const { p, alice, aliceId, chat } = await directScene(id);
    await p.api.send(chat.id, "ig.ivy", { text: "before" }, "key-before");
    const aliceChat = (await alice.waitFor((e) => e.kind === "message" && e.text === "before", "the first message")).chat as string;
    await alice.agent.interop.setThirdPartyChats(false);
    await p.waitFor((e): e is Extract<InteropEvent, { type: "opt_out" }> => e.type === "opt_out" && e.user === aliceId, "the opt-out");
    await expect(p.api.send(chat.id, "ig.ivy", { text: "after" }, "key-after")).rejects.toThrow();
    expect(await p.api.lookup(alice.handle)).toBeUndefined();
    await expect(alice.agent.send(aliceChat, "still there?")).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(alice.events.some((e) => e.kind === "message" && e.text === "after")).toBe(false);
    expect(p.events.some(isMessage("still there?"))).toBe(false);
  });

  it("tells the provider once when someone opts in, by the id and name a lookup gives, and not again while they stay in", async () => {
    const network = await simulatedNetwork(id);
    const p = await provider(network);
    const alice = await optedIn(network, "Alice");
    const optIn = await p.waitFor(isOptIn, "Alice's opt-in");
    expect(optIn.user).toEqual(await p.api.lookup(alice.handle));
    expect(optIn.user.name).toBe("Alice");
    // Turning on what is on (on WhatsApp, changing only discovery by number) tells nobody.
    await alice.agent.interop.setThirdPartyChats(true, { discoverableByPhone: false });
    await alice.agent.interop.setThirdPartyChats(true, { discoverableByPhone: true });
    // The stream is ordered: once Bob's opt-in is there, anything more about Alice would be too.
    const bob = await optedIn(network, "Bob");
    await p.waitFor((e): e is OptIn => isOptIn(e) && e.user.name === "Bob", "Bob's opt-in");
    expect(consentOf(p.events, optIn.user.id)).toEqual(["opt_in"]);
    expectNoPhoneNumber(id, [alice, bob], p.events);
  });

  it("tells the provider of an opt-out and then of the opt-in again, under the same id", async () => {
    const network = await simulatedNetwork(id);
    const p = await provider(network);
    const alice = await optedIn(network, "Alice");
    const first = await p.waitFor(isOptIn, "Alice's opt-in");
    await alice.agent.interop.setThirdPartyChats(false);
    await alice.agent.interop.setThirdPartyChats(true, { discoverableByPhone: true });
    const again = await p.waitFor((e): e is OptIn => isOptIn(e) && e !== first, "Alice's second opt-in");
    expect(again.user).toEqual(first.user);
    expect(again.at).toBeGreaterThanOrEqual(first.at);
    expect(consentOf(p.events, first.user.id)).toEqual(["opt_in", "opt_out", "opt_in"]);
  });

  it("lists exactly the people opted in now for a provider that starts late, and tells it when one of them opts out", async () => {
    const network = await simulatedNetwork(id);
    const alice = await optedIn(network, "Alice");
    const bob = await optedIn(network, "Bob");
    const shy = await network.person("Shy");
    const carol = await optedIn(network, "Carol");
    await bob.agent.interop.setThirdPartyChats(false);
    const p = await provider(network);
    const listed = await p.api.optedIn();
    expect(listed.map((user) => user.name).sort()).toEqual(["Alice", "Carol"]);
    // The ids are the provider's own, the ones its lookups give.
    expect(listed).toContainEqual(await p.api.lookup(carol.handle));
    expectNoPhoneNumber(id, [alice, bob, shy, carol], listed);
    // Alice was never looked up: the list alone is enough for her opt-out to reach the provider.
    const aliceId = listed.find((user) => user.name === "Alice")!.id;
    await alice.agent.interop.setThirdPartyChats(false);
    await p.waitFor((e): e is Extract<InteropEvent, { type: "opt_out" }> => e.type === "opt_out" && e.user === aliceId, "Alice's opt-out");
    expect((await p.api.optedIn()).map((user) => user.name)).toEqual(["Carol"]);
  });
});
