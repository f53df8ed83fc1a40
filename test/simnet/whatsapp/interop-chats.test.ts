/**
 * Third-party chats on WhatsApp, how they come to be and who is in them: identities a provider
 * publishes and users find, chats a provider or a user starts, WhatsApp's group rules in them,
 * and how they show in the app.
 */
import { describe, expect, it } from "@jest/globals";
import { whatsappInteropKit, type WhatsappInteropCredentials } from "../../../src/simnet/whatsapp/client/interop.js";
import { WhatsappAgent } from "../../../src/simnet/whatsapp/client/agent.js";
import { connectProvider, interopIdOf, optedIn, publish, startInterop } from "./interop-support.js";
import { errorCode } from "./support.js";

describe("whatsapp third-party chats: identities and chats", () => {
  it("lets opted-in users find published identities by handle or name, with their badge; a rename shows everywhere", async () => {
    const { wa, provider, credentials } = await startInterop();
    const alice = await optedIn(wa, "Alice");
    await provider.publishIdentity({ id: "carol:matrix.org", name: "Carol Danvers", network: "matrix", handle: "carol.matrix" });
    await provider.publishIdentity({ id: "dan", name: "Dan", network: "instagram", handle: "dan.insta" });
    const agent = new WhatsappAgent(alice);
    expect(await agent.interop.searchThirdParty("carol")).toEqual([{ id: "carol:matrix.org", name: "Carol Danvers", network: "matrix", handle: "carol.matrix", provider: credentials.providerId }]);
    expect((await agent.interop.searchThirdParty("Danvers")).map((i) => i.id)).toEqual(["carol:matrix.org"]);
    expect((await agent.interop.searchThirdParty("DAN.")).map((i) => i.id)).toEqual(["dan"]);
    // Search patterns are literal: % and _ match only themselves.
    expect(await agent.interop.searchThirdParty("%")).toEqual([]);
    const { id: chat } = await agent.interop.startThirdPartyChat({ kind: "direct", thirdParty: [{ provider: credentials.providerId, id: "dan" }] });
    await provider.publishIdentity({ id: "dan", name: "Daniel", network: "instagram", handle: "dan.insta" });
    const [listed] = await alice.api.chats();
    expect(listed).toMatchObject({ jid: chat, kind: "direct", title: "Daniel", third_party: [{ jid: chat, provider: credentials.providerId, id: "dan", name: "Daniel", network: "instagram" }] });
    expect(await errorCode(provider.publishIdentity({ id: "other", name: "Other", network: "matrix", handle: "DAN.INSTA" }))).toBe("handle_taken");
  });

  it("opens a provider's direct chat and group as an identity; the same pair gives the same chat and the creating identity is the group's admin", async () => {
    const { wa, provider, log } = await startInterop();
    const alice = await optedIn(wa, "Alice", { discoverable: true });
    const bob = await optedIn(wa, "Bob", { discoverable: true });
    const carol = await publish(provider, "carol", "Carol");
    await publish(provider, "erin", "Erin", "instagram");
    const [aliceId, bobId] = [await interopIdOf(provider, alice), await interopIdOf(provider, bob)];

    const direct = await provider.createChat({ kind: "direct", creator: "carol", members: [{ kind: "native", id: aliceId }] });
    expect(direct).toEqual({ id: expect.stringMatching(/^d[0-9a-f]{16}@interop$/), kind: "direct", members: [{ kind: "third_party", id: "carol" }, { kind: "native", id: aliceId }], creator: { kind: "third_party", id: "carol" } });
    expect(await provider.createChat({ kind: "direct", creator: "carol", members: [{ kind: "native", id: aliceId }] })).toEqual(direct);
    expect((await log.waitFor("chat", (e) => e.chat.id === direct.id)).chat).toEqual(direct);

    const group = await provider.createChat({ kind: "group", title: "Trip", creator: "carol", members: [{ kind: "native", id: aliceId }, { kind: "native", id: bobId }, { kind: "third_party", id: "erin" }] });
    expect(group).toMatchObject({ kind: "group", title: "Trip", creator: { kind: "third_party", id: "carol" } });
    expect(group.id).toMatch(/^120363\d+@g\.us$/);
    const info = await alice.api.group(group.id);
    expect(info.participants).toContainEqual({ jid: carol.jid, role: "superadmin" });
    expect(info.participants).toContainEqual({ jid: alice.jid, role: "member" });
    expect((await alice.api.chats()).map((c) => c.jid).sort()).toEqual([carol.jid, group.id].sort());
  });

  it("starts a direct chat and a group from the app; they list with the third-party members marked, and the provider gets chat events", async () => {
    const { wa, provider, log, credentials } = await startInterop();
    const alice = await optedIn(wa, "Alice");
    const bob = await optedIn(wa, "Bob");
    const carol = await publish(provider, "carol", "Carol", "matrix");
    const agent = new WhatsappAgent(alice);
    const carolRef = { provider: credentials.providerId, id: "carol" };
    const { id: direct } = await agent.interop.startThirdPartyChat({ kind: "direct", thirdParty: [carolRef] });
    expect(direct).toBe(carol.jid);
    const { id: group } = await agent.interop.startThirdPartyChat({ kind: "group", title: "Book club", thirdParty: [carolRef], native: [`+${bob.jid.split("@")[0]}`] });
    const chats = await agent.chats();
    expect(chats.find((c) => c.id === group)).toMatchObject({ kind: "group", title: "Book club" });
    expect((await alice.api.chats()).find((c) => c.jid === group)?.third_party).toEqual([{ jid: carol.jid, provider: credentials.providerId, id: "carol", name: "Carol", network: "matrix" }]);
    const directEvent = await log.waitFor("chat", (e) => e.chat.kind === "direct");
    expect(directEvent.chat).toMatchObject({ members: [{ kind: "third_party", id: "carol" }, { kind: "native" }], creator: { kind: "native" } });
    const groupEvent = await log.waitFor("chat", (e) => e.chat.id === group);
    expect(groupEvent.chat).toMatchObject({ kind: "group", title: "Book club" });
    expect(groupEvent.chat.members).toHaveLength(3);
    // Starting the same direct chat again finds it, and tells the provider nothing new.
    expect((await agent.interop.startThirdPartyChat({ kind: "direct", thirdParty: [carolRef] })).id).toBe(direct);
    const { id } = await alice.sendText(direct, "same chat");
    await log.waitFor("message", (e) => e.id === id && e.chat === directEvent.chat.id);
    expect(log.events.filter((e) => e.type === "chat" && e.chat.kind === "direct")).toHaveLength(1);
  });

  it("keeps third-party people out of ordinary groups and each third-party chat to one provider", async () => {
    const { wa, provider, credentials } = await startInterop();
    const other = await connectProvider(wa, (await whatsappInteropKit.registerProvider(wa.net.url, wa.net.adminToken, "other")) as WhatsappInteropCredentials);
    const alice = await optedIn(wa, "Alice");
    const bob = await optedIn(wa, "Bob");
    const carol = await publish(provider, "carol", "Carol");
    const olaf = await publish(other, "olaf", "Olaf");
    const ordinary = await alice.api.createGroup("Family", [bob.jid]);
    expect((await alice.api.participants(ordinary.jid, "add", [carol.jid])).results).toEqual([{ jid: carol.jid, status: 404, text: "not_on_whatsapp" }]);
    expect(await errorCode(alice.api.createGroup("Mixed", [carol.jid]))).toBe("not_on_whatsapp");
    const otherId = (await other.api.me()).id;
    expect(await errorCode(alice.api.startThirdPartyChat({ kind: "group", third_party: [{ provider: credentials.providerId, id: "carol" }, { provider: otherId, id: "olaf" }] }))).toBe("other_provider");
    const group = await alice.api.startThirdPartyChat({ kind: "group", subject: "Ours", third_party: [{ provider: credentials.providerId, id: "carol" }] });
    expect((await alice.api.participants(group.jid, "add", [olaf.jid])).results).toEqual([{ jid: olaf.jid, status: 409, text: "other_provider" }]);
    expect(await errorCode(other.send(group.jid, "olaf", { text: "hi" }, "k"))).toBe("chat_not_found");
  });

  it("applies WhatsApp's group rules in a provider's group: admins add and remove, subjects are 100 characters, a group needs a WhatsApp user", async () => {
    const { wa, provider } = await startInterop();
    const alice = await optedIn(wa, "Alice", { discoverable: true });
    const bob = await optedIn(wa, "Bob", { discoverable: true });
    await publish(provider, "carol", "Carol");
    await publish(provider, "erin", "Erin");
    const [aliceId, bobId] = [await interopIdOf(provider, alice), await interopIdOf(provider, bob)];
    expect(await errorCode(provider.createChat({ kind: "group", title: "x".repeat(101), creator: "carol", members: [{ kind: "native", id: aliceId }] }))).toBe("invalid_argument");
    expect(await errorCode(provider.createChat({ kind: "group", title: "Only us", creator: "carol", members: [{ kind: "third_party", id: "erin" }] }))).toBe("no_native_members");
    const group = await provider.createChat({ kind: "group", title: "Trip", creator: "carol", members: [{ kind: "native", id: aliceId }, { kind: "third_party", id: "erin" }] });
    // Erin is a member, not an admin: she may not add anyone.
    expect(await errorCode(provider.addMembers(group.id, "erin", [{ kind: "native", id: bobId }]))).toBe("not_admin");
    await provider.addMembers(group.id, "carol", [{ kind: "native", id: bobId }]);
    expect((await bob.api.group(group.id)).participants.map((p) => p.jid)).toContain(bob.jid);
    // Alice is a member too: removing people is the admins' (Carol's) right.
    expect(await errorCode(alice.api.participants(group.id, "remove", [bob.jid]))).toBe("not_admin");
    await provider.removeMembers(group.id, "carol", [{ kind: "native", id: bobId }]);
    expect((await alice.api.group(group.id)).participants.map((p) => p.jid)).not.toContain(bob.jid);
    expect(await errorCode(provider.addMembers(group.id, "carol", [{ kind: "native", id: "u0000000000000000" }]))).toBe("user_not_found");
  });

  it("takes a removed identity out of every chat, and it can no longer act", async () => {
    const { wa, provider, log } = await startInterop();
    const alice = await optedIn(wa, "Alice", { discoverable: true });
    const carol = await publish(provider, "carol", "Carol");
    await publish(provider, "erin", "Erin");
    const aliceId = await interopIdOf(provider, alice);
    const direct = await provider.createChat({ kind: "direct", creator: "erin", members: [{ kind: "native", id: aliceId }] });
    const group = await provider.createChat({ kind: "group", title: "Trip", creator: "erin", members: [{ kind: "native", id: aliceId }, { kind: "third_party", id: "carol" }] });
    await provider.removeIdentity("erin");
    await log.waitFor("members", (e) => e.chat === group.id && e.removed.some((p) => p.id === "erin"));
    await log.waitFor("members", (e) => e.chat === direct.id && e.removed.some((p) => p.id === "erin"));
    const info = await alice.api.group(group.id);
    // The group keeps an admin: the longest-standing member took over.
    expect(info.participants).toEqual([{ jid: alice.jid, role: "admin" }, { jid: carol.jid, role: "member" }]);
    expect(await errorCode(provider.send(group.id, "erin", { text: "still here" }, "k"))).toBe("identity_not_found");
    expect((await alice.api.chats()).map((c) => c.jid)).toEqual([group.id]);
    expect(await new WhatsappAgent(alice).interop.searchThirdParty("erin")).toEqual([]);
  });

  it("shows a provider's chats and their members to the admin", async () => {
    const { wa, provider, credentials } = await startInterop();
    const alice = await optedIn(wa, "Alice", { discoverable: true });
    const carol = await publish(provider, "carol", "Carol");
    const direct = await provider.createChat({ kind: "direct", creator: "carol", members: [{ kind: "native", id: await interopIdOf(provider, alice) }] });
    expect(await wa.admin.interopChats()).toEqual([
      {
        id: direct.id,
        provider: credentials.providerId,
        kind: "direct",
        active: true,
        creator: carol.jid,
        members: [{ kind: "third_party", ...carol }, { kind: "native", jid: alice.jid }],
        created_at: expect.any(Number),
      },
    ]);
    expect((await wa.admin.providers()).map((p) => ({ id: p.id, name: p.name, device_jid: p.device_jid }))).toEqual([
      { id: credentials.providerId, name: "crosschat", device_jid: `${credentials.providerId}@interop` },
    ]);
  });
});
