/**
 * The conformance suite: the same scenarios, written once, run against every connector through
 * the real daemon, the real Synapse and the real simulated network. A network's own test file
 * calls `conformanceSuite("<network>")`; network-specific cases live beside the suite, in
 * test/integration/<network>/.
 */
import { describe, expect, it } from "@jest/globals";
import { randomBytes } from "node:crypto";
import type { MatrixClient, MatrixEvent } from "matrix-js-sdk";
import { createConnectors } from "../../../src/connectors/index.js";
import { ghostUserId } from "../../../src/core/matrix-ids.js";
import type { Capabilities } from "../../../src/network/index.js";
import type { AgentEvent, AgentSpan, AgentSpanKind } from "../../../src/simnet/client/agent.js";
import type { SimnetNetworkId } from "../../../src/simnet/core/network.js";
import { waitForEvent, waitForMembership, type TestUser } from "../../support/matrix-user.js";
import { BRIDGE_WAIT_MS, command, isNoticeFrom, timeline, waitForPortal, type RunningBridge } from "../support/bridge.js";
import { aliceAndBob, bobWritesFirst } from "./bridge-login.js";
import { downloadMxc, waitForReadReceipt, waitForTyping } from "./matrix-side.js";
import { simulatedNetwork, type Person, type SimulatedNetwork } from "../../support/people.js";

const NAMES: Record<SimnetNetworkId, string> = { whatsapp: "WhatsApp", messenger: "Messenger", instagram: "Instagram" };

interface Scene {
  network: SimulatedNetwork;
  bridge: RunningBridge;
  /** What the bridge's connector declares the network can do. */
  caps: Capabilities;
  bot: string;
  alice: TestUser;
  /** Alice's own account on the network, logged in through the bot. */
  aliceRemote: Person;
  bob: Person;
  managementRoom: string;
  /** The Matrix ghost of a person on the network. */
  ghostOf(person: Person): string;
}

async function scene(id: SimnetNetworkId): Promise<Scene> {
  // Group rooms are named through the template, so the suite checks the template is applied.
  const people = await aliceAndBob(await simulatedNetwork(id), { networks: { [id]: { group_name_template: `{{name}} (${NAMES[id]} group)` } } });
  const { bridge } = people;
  // The tests' config shows phone numbers on Matrix, so ghost ids follow from the person's id alone.
  const connector = createConnectors(bridge.config, { whatsappGhostKey: () => Buffer.alloc(0) }).get(id);
  if (!connector) throw new Error(`the bridge has no ${id} connector`);
  const { localpart_template: template } = bridge.config.networks[id];
  const ghostOf = (person: Person) => ghostUserId(template, connector.ghostId(person.id), bridge.config.homeserver.domain);
  return { ...people, caps: connector.capabilities, bot: bridge.app.botUserId, ghostOf };
}

function messageIn(client: MatrixClient, roomId: string, body: string): Promise<MatrixEvent> {
  return waitForEvent(client, (e) => e.getRoomId() === roomId && e.getType() === "m.room.message" && e.getContent()["body"] === body, BRIDGE_WAIT_MS, `the message "${body}"`);
}

/** Bob writes to Alice first; the bridge makes the portal. */
async function directChat(s: Scene) {
  const { chat, first, roomId } = await bobWritesFirst(s, "hello Alice");
  const firstEvent = await messageIn(s.alice.client, roomId, "hello Alice");
  return { chat, first, roomId, firstEvent };
}

/** Bob makes a group with Alice's account and Carol, and writes in it; the bridge makes the portal. */
async function groupChat(s: Scene, title: string) {
  const carol = await s.network.person("Carol");
  const group = await s.bob.agent.createGroup(title, [s.aliceRemote.handle, carol.handle]);
  await s.bob.agent.send(group.id, `welcome to ${title}`);
  const roomId = await waitForPortal(s.alice.client, s.network.id, new RegExp(`^${title} \\(${NAMES[s.network.id]} group\\)$`));
  await messageIn(s.alice.client, roomId, `welcome to ${title}`);
  return { carol, group, roomId };
}

const texts = (person: Person) => person.events.filter((e) => e.kind === "message" && e.sender !== person.id).map((e) => e.text);

const relatesTo = (event: MatrixEvent) => event.getContent()["m.relates_to"] as { event_id?: string; key?: string; rel_type?: string } | undefined;

const membershipChange = (chat: string, change: "added" | "removed", who: Person) => (e: AgentEvent) =>
  e.kind === "membership" && e.chat === chat && e.text === change && (e.members ?? []).includes(who.id);

/** A PNG as far as any network checks (its signature), with random bytes so no two are alike. */
const image = () => Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), randomBytes(2048)]);

/** One word per inline style or link, with the HTML each becomes in Matrix. */
const STYLED: { kind: AgentSpanKind; word: string; html: string }[] = [
  { kind: "bold", word: "strong", html: "<strong>strong</strong>" },
  { kind: "italic", word: "leaning", html: "<em>leaning</em>" },
  { kind: "strikethrough", word: "struck", html: "<del>struck</del>" },
  { kind: "code", word: "mono", html: "<code>mono</code>" },
  { kind: "link", word: "https://example.org/page", html: '<a href="https://example.org/page">https://example.org/page</a>' },
];

export function conformanceSuite(id: SimnetNetworkId): void {
  const name = NAMES[id];

  describe(`${name} conformance`, () => {
    it("logs in through the bot and lists the login as connected", async () => {
      const s = await scene(id);
      const list = await command(s.alice.client, s.managementRoom, s.bridge.app.botUserId, "list-logins", /Your logins/);
      expect(String(list.getContent()["body"])).toContain(`${name}: `);
      expect(String(list.getContent()["body"])).toContain("connected");
    });

    it("makes a direct portal when a contact writes, and bridges text both ways", async () => {
      const s = await scene(id);
      const { roomId, firstEvent } = await directChat(s);
      expect(firstEvent.getSender()).toMatch(new RegExp(`^@${id}_`));
      await s.alice.client.sendTextMessage(roomId, "hi Bob");
      await s.bob.waitFor((e) => e.kind === "message" && e.text === "hi Bob", "Alice's message");
    });

    it("bridges replies both ways", async () => {
      const s = await scene(id);
      const { chat, first, roomId, firstEvent } = await directChat(s);
      await s.bob.agent.send(chat.id, "a reply", { replyTo: first.id });
      const reply = await messageIn(s.alice.client, roomId, "a reply");
      expect((reply.getContent()["m.relates_to"] as { "m.in_reply_to"?: { event_id?: string } })?.["m.in_reply_to"]?.event_id).toBe(firstEvent.getId());
      await s.alice.client.sendMessage(roomId, { msgtype: "m.text", body: "answering", "m.relates_to": { "m.in_reply_to": { event_id: firstEvent.getId() as string } } } as never);
      await s.bob.waitFor((e) => e.kind === "message" && e.text === "answering", "Alice's reply");
      const history = await s.bob.agent.history(chat.id, 10);
      expect(history.find((m) => m.text === "answering")?.replyTo).toBe(first.id);
    });

    it("bridges edits inside the window both ways", async () => {
      const s = await scene(id);
      const { chat, first, roomId, firstEvent } = await directChat(s);
      await s.bob.agent.edit(chat.id, first.id, "hello again, Alice");
      const edit = await waitForEvent(s.alice.client, (e) => e.getRoomId() === roomId && (e.getContent()["m.relates_to"] as { rel_type?: string } | undefined)?.rel_type === "m.replace", BRIDGE_WAIT_MS, "the edit");
      expect((edit.getContent()["m.relates_to"] as { event_id?: string }).event_id).toBe(firstEvent.getId());
      const { event_id: mine } = await s.alice.client.sendTextMessage(roomId, "typo");
      await s.bob.waitFor((e) => e.kind === "message" && e.text === "typo", "Alice's message");
      await s.alice.client.sendMessage(roomId, { msgtype: "m.text", body: "* fixed", "m.new_content": { msgtype: "m.text", body: "fixed" }, "m.relates_to": { rel_type: "m.replace", event_id: mine } } as never);
      await s.bob.waitFor((e) => e.kind === "edit" && e.text === "fixed", "Alice's edit");
    });

    it("refuses a Matrix edit past the edit window with a notice, and sends nothing to the network", async () => {
      const s = await scene(id);
      const { chat, roomId } = await directChat(s);
      const windowMs = s.caps.edits.windowMs;
      // The network stamps Alice's message while its clock runs a minute more than the window
      // behind; with the clock back, the message is that old.
      if (windowMs !== undefined) s.network.setClockOffset(-(windowMs + 60_000));
      const { event_id: mine } = await s.alice.client.sendTextMessage(roomId, "old news");
      const sent = await s.bob.waitFor((e) => e.kind === "message" && e.text === "old news", "Alice's message");
      s.network.setClockOffset(0);
      const edit = await s.alice.client.sendMessage(roomId, { msgtype: "m.text", body: "* new news", "m.new_content": { msgtype: "m.text", body: "new news" }, "m.relates_to": { rel_type: "m.replace", event_id: mine } } as never);
      const notice = await waitForEvent(s.alice.client, isNoticeFrom(s.bot, roomId, /edit was not sent/), BRIDGE_WAIT_MS, "the edit's refusal");
      expect(relatesTo(notice)).toEqual({ "m.in_reply_to": { event_id: edit.event_id } });
      expect(String(notice.getContent()["body"])).toMatch(windowMs === undefined ? /does not support editing/ : new RegExp(`within ${Math.round(windowMs / 60_000)} minutes`));
      // The room's events are bridged in order: once a later message is there, the edit was handled.
      await s.alice.client.sendTextMessage(roomId, "later");
      await s.bob.waitFor((e) => e.kind === "message" && e.text === "later", "Alice's later message");
      expect(s.bob.events.filter((e) => e.kind === "edit" && e.messageId === sent.messageId)).toEqual([]);
      expect((await s.bob.agent.history(chat.id, 10)).find((m) => m.id === sent.messageId)?.text).toBe("old news");
    });

    it("sends Matrix formatting as the network shows it, and plain text where it has no such format", async () => {
      const s = await scene(id);
      const { roomId, firstEvent } = await directChat(s);
      const bobGhost = firstEvent.getSender() as string;
      const html = `Formatted: ${STYLED.map((part) => part.html).join(" ")} <a href="https://matrix.to/#/${bobGhost}">Bob</a>`;
      await s.alice.client.sendHtmlMessage(roomId, `Formatted: ${STYLED.map((part) => part.word).join(" ")} Bob`, html);
      const received = await s.bob.waitFor((e) => e.kind === "message" && e.sender === s.aliceRemote.id && (e.formatted?.text ?? "").startsWith("Formatted:"), "Alice's formatted message");
      const shown = received.formatted as { text: string; spans: AgentSpan[] };
      // Every network shows the words themselves; markup, where there is any, is not shown.
      expect(shown.text.startsWith(`Formatted: ${STYLED.map((part) => part.word).join(" ")} `)).toBe(true);
      for (const part of STYLED) {
        const at = shown.text.indexOf(part.word);
        const spans = shown.spans.filter((span) => span.kind === part.kind);
        // A format the network lacks arrives as its plain text (Capabilities.formatting).
        expect({ kind: part.kind, spans }).toEqual({ kind: part.kind, spans: s.caps.formatting.includes(part.kind) ? [expect.objectContaining({ offset: at, length: part.word.length })] : [] });
      }
      const mentions = shown.spans.filter((span) => span.kind === "mention");
      if (s.caps.formatting.includes("mention")) expect(mentions).toEqual([expect.objectContaining({ user: s.bob.id })]);
      else expect({ mentions, ending: shown.text.endsWith(" Bob") }).toEqual({ mentions: [], ending: true });
    });

    it("brings the network's formatting and mentions into Matrix as HTML", async () => {
      const s = await scene(id);
      const { chat, roomId } = await directChat(s);
      const parts = [...STYLED.filter((part) => s.caps.formatting.includes(part.kind)), ...(s.caps.formatting.includes("mention") ? [{ kind: "mention" as const, word: "Alice", html: "" }] : [])];
      expect(parts.length).toBeGreaterThan(0);
      let text = "Formatted:";
      const spans: AgentSpan[] = [];
      for (const part of parts) {
        text += " ";
        spans.push({ kind: part.kind, offset: text.length, length: part.word.length, ...(part.kind === "link" ? { url: part.word } : {}), ...(part.kind === "mention" ? { user: s.aliceRemote.id } : {}) });
        text += part.word;
      }
      await s.bob.agent.send(chat.id, text, { spans });
      const event = await waitForEvent(s.alice.client, (e) => e.getRoomId() === roomId && String(e.getContent()["body"]).startsWith("Formatted:"), BRIDGE_WAIT_MS, "Bob's formatted message");
      const content = event.getContent();
      expect(content["format"]).toBe("org.matrix.custom.html");
      for (const part of parts) {
        if (part.kind === "mention") expect(content["m.mentions"]).toEqual({ user_ids: [s.alice.userId] });
        else expect(String(content["formatted_body"])).toContain(part.html);
      }
    });
    it("keeps one reaction per person: a second Matrix reaction replaces the first", async () => {
      const s = await scene(id);
      const { roomId, firstEvent } = await directChat(s);
      const react = (key: string) => s.alice.client.sendEvent(roomId, "m.reaction" as never, { "m.relates_to": { rel_type: "m.annotation", event_id: firstEvent.getId(), key } } as never);
      const first = await react("👍");
      await s.bob.waitFor((e) => e.kind === "reaction" && e.text === "👍", "the first reaction");
      await react("😂");
      await s.bob.waitFor((e) => e.kind === "reaction" && e.text === "😂", "the replacing reaction");
      await waitForEvent(s.alice.client, (e) => e.getType() === "m.room.redaction" && e.event.redacts === first.event_id, BRIDGE_WAIT_MS, "the replaced reaction's redaction");
    });

    it("removes reactions both ways", async () => {
      const s = await scene(id);
      const { chat, first, roomId, firstEvent } = await directChat(s);
      const bobGhost = firstEvent.getSender() as string;
      const { event_id: mine } = await s.alice.client.sendTextMessage(roomId, "react to this");
      const sent = await s.bob.waitFor((e) => e.kind === "message" && e.text === "react to this", "Alice's message");
      await s.bob.agent.react(chat.id, sent.messageId as string, "👍");
      const reaction = await waitForEvent(
        s.alice.client,
        (e) => e.getRoomId() === roomId && e.getType() === "m.reaction" && e.getSender() === bobGhost && relatesTo(e)?.event_id === mine,
        BRIDGE_WAIT_MS,
        "Bob's reaction",
      );
      expect(relatesTo(reaction)?.key).toBe("👍");
      await s.bob.agent.react(chat.id, sent.messageId as string, "");
      await waitForEvent(s.alice.client, (e) => e.getType() === "m.room.redaction" && e.event.redacts === reaction.getId(), BRIDGE_WAIT_MS, "the removed reaction's redaction");

      const { event_id: myReaction } = await s.alice.client.sendEvent(roomId, "m.reaction" as never, { "m.relates_to": { rel_type: "m.annotation", event_id: firstEvent.getId(), key: "👍" } } as never);
      const fromAlice = (text: string) => (e: AgentEvent) => e.kind === "reaction" && e.sender === s.aliceRemote.id && e.messageId === first.id && e.text === text;
      await s.bob.waitFor(fromAlice("👍"), "Alice's reaction");
      await s.alice.client.redactEvent(roomId, myReaction);
      await s.bob.waitFor(fromAlice(""), "the removal of Alice's reaction");
    });

    it("bridges deletes both ways", async () => {
      const s = await scene(id);
      const { chat, first, roomId, firstEvent } = await directChat(s);
      await s.bob.agent.delete(chat.id, first.id);
      await waitForEvent(s.alice.client, (e) => e.getType() === "m.room.redaction" && e.event.redacts === firstEvent.getId(), BRIDGE_WAIT_MS, "the delete");
      const { event_id: mine } = await s.alice.client.sendTextMessage(roomId, "regret");
      const sent = await s.bob.waitFor((e) => e.kind === "message" && e.text === "regret", "Alice's message");
      await s.alice.client.redactEvent(roomId, mine);
      await s.bob.waitFor((e) => e.kind === "delete" && (e.messageId === undefined || e.messageId === sent.messageId), "the delete");
    });

    it("carries an image byte for byte both ways", async () => {
      const s = await scene(id);
      const { chat, roomId, firstEvent } = await directChat(s);
      const mine = image();
      const { content_uri: url } = await s.alice.client.uploadContent(mine, { type: "image/png", name: "mine.png" });
      await s.alice.client.sendMessage(roomId, { msgtype: "m.image", body: "mine.png", filename: "mine.png", url, info: { mimetype: "image/png", size: mine.length } } as never);
      const received = await s.bob.waitFor((e) => e.kind === "message" && e.sender === s.aliceRemote.id && e.media !== undefined, "Alice's image");
      expect(await received.media?.download()).toEqual(mine);

      const theirs = image();
      await s.bob.agent.sendImage(chat.id, theirs, "image/png");
      const event = await waitForEvent(
        s.alice.client,
        (e) => e.getRoomId() === roomId && e.getSender() === firstEvent.getSender() && e.getContent()["msgtype"] === "m.image",
        BRIDGE_WAIT_MS,
        "Bob's image",
      );
      expect(await downloadMxc(s.alice.client, String(event.getContent()["url"]))).toEqual(theirs);
    });

    it("bridges read receipts both ways", async () => {
      const s = await scene(id);
      const { chat, first, roomId, firstEvent } = await directChat(s);
      await s.alice.client.sendReadReceipt(firstEvent);
      // Watermark networks name the newest message read, or no message at all.
      await s.bob.waitFor(
        (e) => e.kind === "receipt" && e.chat === chat.id && e.sender === s.aliceRemote.id && e.text === "read" && (e.messageId === undefined || e.messageId === first.id),
        "Alice's read receipt",
      );
      const { event_id: mine } = await s.alice.client.sendTextMessage(roomId, "did you read this?");
      const sent = await s.bob.waitFor((e) => e.kind === "message" && e.text === "did you read this?", "Alice's message");
      await s.bob.agent.markRead(chat.id, sent.messageId as string);
      await waitForReadReceipt(s.alice.client, roomId, firstEvent.getSender() as string, mine);
    });

    it("bridges typing both ways", async () => {
      const s = await scene(id);
      const { chat, roomId, firstEvent } = await directChat(s);
      const bobGhost = firstEvent.getSender() as string;
      await s.bob.agent.typing(chat.id, true);
      await waitForTyping(s.alice.client, roomId, bobGhost, true);
      await s.bob.agent.typing(chat.id, false);
      await waitForTyping(s.alice.client, roomId, bobGhost, false);
      const typing = (active: boolean) => (e: AgentEvent) => e.kind === "typing" && e.chat === chat.id && e.sender === s.aliceRemote.id && e.active === active;
      await s.alice.client.sendTyping(roomId, true, 30_000);
      await s.bob.waitFor(typing(true), "Alice typing");
      await s.alice.client.sendTyping(roomId, false, 0);
      await s.bob.waitFor(typing(false), "Alice no longer typing");
    });

    it("makes a group portal with the group's name, its members as ghosts and m.bridge state", async () => {
      const s = await scene(id);
      const { carol, group, roomId } = await groupChat(s, "Weekend plans");
      for (const person of [s.bob, carol]) await waitForMembership(s.alice.client, roomId, s.ghostOf(person), "join", BRIDGE_WAIT_MS);
      const bridgeState = s.alice.client.getRoom(roomId)?.currentState.getStateEvents("m.bridge") ?? [];
      expect(bridgeState.map((e) => e.getContent())).toEqual([expect.objectContaining({ bridgebot: s.bot, protocol: expect.objectContaining({ id }), channel: expect.objectContaining({ id: group.id }) })]);
      await s.alice.client.sendTextMessage(roomId, "hi all");
      for (const person of [s.bob, carol]) await person.waitFor((e) => e.kind === "message" && e.chat === group.id && e.text === "hi all", "Alice's message in the group");
    });

    it("shows people added to and removed from a group as ghosts joining and leaving, and sends Matrix invites and kicks", async () => {
      const s = await scene(id);
      const { carol, group, roomId } = await groupChat(s, "Book club");
      const dave = await s.network.person("Dave");
      await s.bob.agent.addMember(group.id, dave.handle);
      await waitForMembership(s.alice.client, roomId, s.ghostOf(dave), "join", BRIDGE_WAIT_MS);
      await s.bob.agent.removeMember(group.id, carol.handle);
      await waitForMembership(s.alice.client, roomId, s.ghostOf(carol), "leave", BRIDGE_WAIT_MS);

      // Every network lets only group admins add and remove people: Bob makes Alice one.
      await s.bob.agent.setAdmin(group.id, s.aliceRemote.handle, true);
      await s.alice.client.kick(roomId, s.ghostOf(dave));
      if (!s.caps.groups.membership) {
        await waitForEvent(s.alice.client, isNoticeFrom(s.bot, roomId, /cannot be changed from here/), BRIDGE_WAIT_MS, "the kick's refusal");
        return;
      }
      await s.bob.waitFor(membershipChange(group.id, "removed", dave), "Dave's removal from Matrix");
      await s.alice.client.invite(roomId, s.ghostOf(carol));
      await s.bob.waitFor(membershipChange(group.id, "added", carol), "Carol's return from Matrix");
      await waitForMembership(s.alice.client, roomId, s.ghostOf(carol), "join", BRIDGE_WAIT_MS);
    });

    it("tells Alice when the network ends the bridge's session from another device, and lists the login as logged out", async () => {
      const s = await scene(id);
      await s.aliceRemote.agent.endOtherSessions();
      await waitForEvent(s.alice.client, isNoticeFrom(s.bot, s.managementRoom, new RegExp(`${name} login .* was logged out by ${name}`)), BRIDGE_WAIT_MS, "the bot's logout notice");
      const list = await command(s.alice.client, s.managementRoom, s.bot, "list-logins", /Your logins/);
      expect(String(list.getContent()["body"])).toMatch(new RegExp(`${name}: .*logged out`));
    });

    it("loses nothing and doubles nothing across a bridge restart", async () => {
      const s = await scene(id);
      const { chat, roomId } = await directChat(s);
      await s.bridge.app.stop();
      const expected = ["while down 1", "while down 2", "while down 3", "while down 4", "while down 5"];
      for (const text of expected) await s.bob.agent.send(chat.id, text);
      await s.bridge.restart();
      await messageIn(s.alice.client, roomId, "while down 5");
      await s.bob.agent.send(chat.id, "marker");
      await messageIn(s.alice.client, roomId, "marker");
      expect(timeline(s.alice.client, roomId).map((e) => e.getContent()["body"]).filter((b) => String(b).startsWith("while down"))).toEqual(expected);
    });

    it("reconnects after the network drops its connections and loses nothing", async () => {
      const s = await scene(id);
      const { chat, roomId } = await directChat(s);
      await s.network.dropConnections();
      await s.bob.agent.send(chat.id, "after the drop");
      await messageIn(s.alice.client, roomId, "after the drop");
      await s.alice.client.sendTextMessage(roomId, "me too");
      await s.bob.waitFor((e) => e.kind === "message" && e.text === "me too", "Alice's message after the drop");
      expect(texts(s.bob).filter((t) => t === "me too")).toHaveLength(1);
    });
  });
}
