/**
 * The common UserAgent face on every network, for what the bridge's conformance suite drives
 * through it: groups and their membership, images, styled text, and signing other sessions out.
 * (The people and their waits come from test/support/people.ts, shared with the integration tests.)
 */
import { describe, expect, it } from "@jest/globals";
import { randomBytes } from "node:crypto";
import type { AgentEvent, AgentSpan, UserAgent } from "../../src/simnet/client/agent.js";
import { SIMNET_KITS, SIMNET_NETWORKS } from "../../src/simnet/networks.js";
import { WhatsappAgent } from "../../src/simnet/whatsapp/client/agent.js";
import { WhatsappClient } from "../../src/simnet/whatsapp/client/client.js";
import { requestPairingCode } from "../../src/simnet/whatsapp/client/login.js";
import { simulatedNetwork, type Person, type SimulatedNetwork } from "../support/people.js";

const membership = (chat: string, change: "added" | "removed", who: Person) => (e: AgentEvent) =>
  e.kind === "membership" && e.chat === chat && e.text === change && (e.members ?? []).includes(who.id);

/** A second session of `person`'s account: a linked companion on WhatsApp, another login elsewhere. */
async function secondSession(network: SimulatedNetwork, person: Person): Promise<UserAgent> {
  if (network.id === "whatsapp") {
    const pairing = await requestPairingCode(network.net.url, person.handle, "Second device");
    await person.agent.approveLink?.(pairing.code);
    return new WhatsappAgent(new WhatsappClient(await pairing.wait()));
  }
  const password = person.password ? { password: person.password } : {};
  return SIMNET_KITS[network.id].login(network.net.url, { handle: person.handle, ...password }, async () => (await network.pendingCode(person.handle)) ?? "");
}

describe.each(SIMNET_NETWORKS)("the %s agent", (id) => {
  it("runs a group: creates it, adds, removes and promotes people, and reports membership changes", async () => {
    const network = await simulatedNetwork(id);
    const [alice, bob, carol, dave] = await Promise.all(["Alice", "Bob", "Carol", "Dave"].map((name) => network.person(name))) as [Person, Person, Person, Person];
    const group = await alice.agent.createGroup("Plans", [bob.handle, carol.handle]);
    expect(group).toMatchObject({ kind: "group", title: "Plans" });
    expect([...group.members].sort()).toEqual([bob.id, carol.id].sort());
    await alice.agent.send(group.id, "hello");
    await bob.waitFor((e) => e.kind === "message" && e.chat === group.id && e.text === "hello", "the first message");

    await alice.agent.addMember(group.id, dave.handle);
    await bob.waitFor(membership(group.id, "added", dave), "Dave's arrival");
    await alice.agent.removeMember(group.id, carol.handle);
    await bob.waitFor(membership(group.id, "removed", carol), "Carol's removal");
    await carol.waitFor(membership(group.id, "removed", carol), "her own removal");
    // Only admins remove people: Bob can once Alice promotes him.
    await alice.agent.setAdmin(group.id, bob.handle, true);
    await bob.agent.removeMember(group.id, dave.handle);
    await alice.waitFor(membership(group.id, "removed", dave), "Dave's removal by Bob");
    const chats = await alice.agent.chats();
    expect(chats.find((chat) => chat.id === group.id)?.members).toEqual([bob.id]);
  });

  it("sends an image that arrives byte for byte", async () => {
    const network = await simulatedNetwork(id);
    const [alice, bob] = await Promise.all([network.person("Alice"), network.person("Bob")]);
    const chat = await alice.agent.startDirectChat(bob.handle);
    const png = Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), randomBytes(1024)]);
    await alice.agent.sendImage(chat.id, png, "image/png");
    const received = await bob.waitFor((e) => e.kind === "message" && e.media !== undefined, "the image");
    expect(received.media).toMatchObject({ mime: "image/png", size: png.length });
    expect(await received.media?.download()).toEqual(png);
  });

  it("sends the spans its app has, shows received text as the app displays it, and refuses other spans", async () => {
    const network = await simulatedNetwork(id);
    const [alice, bob] = await Promise.all([network.person("Alice"), network.person("Bob")]);
    const chat = await alice.agent.startDirectChat(bob.handle);
    const words: Record<AgentSpan["kind"], string> = { bold: "strong", italic: "leaning", strikethrough: "struck", code: "mono", link: "https://example.org/a-page", mention: "Bob" };
    let text = "Styled:";
    const spans: AgentSpan[] = [];
    for (const kind of alice.agent.formats) {
      text += " ";
      spans.push({ kind, offset: text.length, length: words[kind].length, ...(kind === "link" ? { url: words[kind] } : {}), ...(kind === "mention" ? { user: bob.id } : {}) });
      text += words[kind];
    }
    await alice.agent.send(chat.id, text, { spans });
    const received = await bob.waitFor((e) => e.kind === "message" && (e.text ?? "").startsWith("Styled:"), "the styled message");
    const shown = received.formatted as { text: string; spans: AgentSpan[] };
    expect(shown.spans.map((span) => span.kind)).toEqual(alice.agent.formats);
    for (const span of shown.spans) {
      if (span.kind === "mention") expect(span.user).toBe(bob.id);
      else expect(shown.text.slice(span.offset, span.offset + span.length)).toBe(words[span.kind]);
    }
    const missing = (["bold", "link", "mention"] as const).find((kind) => !alice.agent.formats.includes(kind));
    if (missing) {
      const refused = alice.agent.send(chat.id, words[missing], { spans: [{ kind: missing, offset: 0, length: words[missing].length, url: words.link, user: bob.id }] });
      await expect(refused).rejects.toMatchObject({ code: "unsupported_format" });
    }
  });

  it("signs out the account's other sessions and keeps its own", async () => {
    const network = await simulatedNetwork(id);
    const alice = await network.person("Alice");
    const second = await secondSession(network, alice);
    try {
      await second.chats();
      await alice.agent.endOtherSessions();
      await expect(second.chats()).rejects.toMatchObject({ status: 401 });
      await alice.agent.chats();
    } finally {
      await second.close();
    }
  });
});
