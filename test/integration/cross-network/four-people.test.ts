/**
 * The conversation the gateway exists for: Ana on WhatsApp, Carol on Messenger, Bob on Instagram
 * and Alice on Matrix in one group, exchanging text, replies, edits, reactions, deletes, a
 * picture, typing and read receipts, each seeing the others with their network's badge. With CROSSCHAT_TRANSCRIPT=<file>
 * the test writes the conversation as each of the four saw it.
 */
import { describe, expect, it } from "@jest/globals";
import { writeFileSync } from "node:fs";
import type { MatrixClient, MatrixEvent } from "matrix-js-sdk";
import type { AgentEvent } from "../../../src/simnet/client/agent.js";
import { waitForEvent } from "../../support/matrix-user.js";
import type { Person } from "../../support/people.js";
import { BRIDGE_WAIT_MS } from "../support/bridge.js";
import { eventually, fourPeople, messageIn } from "./support.js";

/** A one-pixel PNG: what Bob sends, byte for byte. */
const PICTURE = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" + "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201" + "e221bc330000000049454e44ae426082",
  "hex",
);

const said = (text: string) => (e: AgentEvent) => e.kind === "message" && e.text === text;

describe("four people on four systems in one conversation", () => {
  it("carries text, replies, edits, reactions, deletes, a picture, typing and read receipts to every other system, each person shown with their network", async () => {
    const { alice, ana, carol, bob, roomId, ghosts } = await fourPeople();
    // Alice writes; each of the other three gets it from "Alice", marked as from Matrix.
    const hello = await alice.client.sendTextMessage(roomId, "Hello everyone, from Matrix");
    const natives: Record<string, Person> = { ana, carol, bob };
    const chats: Record<string, string> = {};
    const helloThere: Record<string, string> = {};
    for (const [name, person] of Object.entries(natives)) {
      const got = await person.waitFor(said("Hello everyone, from Matrix"), `Alice's hello at ${name}`);
      expect(got.thirdParty).toMatchObject({ network: "matrix" });
      chats[name] = got.chat as string;
      helloThere[name] = got.messageId as string;
    }

    // Ana answers Alice's message as a reply, from WhatsApp.
    await ana.agent.send(chats["ana"] as string, "Olá! Ana here, on WhatsApp", { replyTo: helloThere["ana"] as string });
    const anaOnMatrix = await messageIn(alice.client, roomId, /^Olá! Ana here, on WhatsApp$/, ghosts.ana);
    expect(anaOnMatrix.getContent()["m.relates_to"]).toEqual({ "m.in_reply_to": { event_id: hello.event_id } });
    for (const [name, person] of [["carol", carol], ["bob", bob]] as const) {
      const got = await person.waitFor(said("Olá! Ana here, on WhatsApp"), `Ana's reply at ${name}`);
      expect(got.thirdParty).toMatchObject({ network: "whatsapp", name: "Ana" });
      const history = await person.agent.history(chats[name] as string);
      expect(history.find((m) => m.id === got.messageId)?.replyTo).toBe(helloThere[name]);
    }

    // Carol writes, then corrects herself.
    const carolSent = await carol.agent.send(chats["carol"] as string, "Carol from Messenger, hi all!!");
    await carol.agent.edit(chats["carol"] as string, carolSent.id, "Carol from Messenger, hi all!");
    const carolEdit = await waitForEvent(alice.client, (e) => e.getRoomId() === roomId && e.getSender() === ghosts.carol && (e.getContent()["m.new_content"] as { body?: string } | undefined)?.body === "Carol from Messenger, hi all!", BRIDGE_WAIT_MS, "Carol's edit on Matrix");
    expect(carolEdit.getContent()["m.relates_to"]).toMatchObject({ rel_type: "m.replace" });
    const carolAtAna = await ana.waitFor(said("Carol from Messenger, hi all!!"), "Carol's message at Ana");
    await ana.waitFor((e) => e.kind === "edit" && e.messageId === carolAtAna.messageId && e.text === "Carol from Messenger, hi all!", "Carol's edit at Ana");
    const carolAtBob = await bob.waitFor(said("Carol from Messenger, hi all!!"), "Carol's message at Bob");
    await bob.waitFor((e) => e.kind === "edit" && e.messageId === carolAtBob.messageId && e.text === "Carol from Messenger, hi all!", "Carol's edit at Bob");

    // Bob reacts to Ana's message from Instagram; Alice reacts to Carol's from Matrix.
    const anaAtBob = await bob.waitFor(said("Olá! Ana here, on WhatsApp"), "Ana at Bob");
    await bob.agent.react(chats["bob"] as string, anaAtBob.messageId as string, "😂");
    const bobReaction = await waitForEvent(alice.client, (e) => e.getRoomId() === roomId && e.getType() === "m.reaction" && e.getSender() === ghosts.bob, BRIDGE_WAIT_MS, "Bob's reaction on Matrix");
    expect(bobReaction.getContent()["m.relates_to"]).toEqual({ rel_type: "m.annotation", event_id: anaOnMatrix.getId(), key: "😂" });
    const anaSent = (await ana.agent.history(chats["ana"] as string)).find((m) => m.text === "Olá! Ana here, on WhatsApp");
    await ana.waitFor((e) => e.kind === "reaction" && e.messageId === anaSent?.id && e.text === "😂", "Bob's reaction at Ana");
    const anaAtCarol = await carol.waitFor(said("Olá! Ana here, on WhatsApp"), "Ana at Carol");
    await carol.waitFor((e) => e.kind === "reaction" && e.messageId === anaAtCarol.messageId && e.text === "😂", "Bob's reaction at Carol");

    const carolOnMatrix = (carolEdit.getContent()["m.relates_to"] as { event_id: string }).event_id;
    await alice.client.sendEvent(roomId, "m.reaction" as never, { "m.relates_to": { rel_type: "m.annotation", event_id: carolOnMatrix, key: "👋" } } as never);
    await carol.waitFor((e) => e.kind === "reaction" && e.messageId === carolSent.id && e.text === "👋", "Alice's reaction at Carol");
    await ana.waitFor((e) => e.kind === "reaction" && e.messageId === carolAtAna.messageId && e.text === "👋", "Alice's reaction at Ana");
    await bob.waitFor((e) => e.kind === "reaction" && e.messageId === carolAtBob.messageId && e.text === "👋", "Alice's reaction at Bob");

    // Bob sends a picture; everyone gets the same bytes.
    await bob.agent.sendImage(chats["bob"] as string, PICTURE, "image/png");
    const pictureOnMatrix = await waitForEvent(alice.client, (e) => e.getRoomId() === roomId && e.getSender() === ghosts.bob && e.getContent()["msgtype"] === "m.image", BRIDGE_WAIT_MS, "Bob's picture on Matrix");
    const mxc = String(pictureOnMatrix.getContent()["url"]);
    const downloaded = Buffer.from(await (await fetch(alice.client.mxcUrlToHttp(mxc, undefined, undefined, undefined, false, true, true) as string, { headers: { authorization: `Bearer ${alice.accessToken}` } })).arrayBuffer());
    expect(downloaded.equals(PICTURE)).toBe(true);
    for (const [name, person] of [["ana", ana], ["carol", carol]] as const) {
      const got = await person.waitFor((e) => e.kind === "message" && e.media !== undefined && e.thirdParty?.network === "instagram", `Bob's picture at ${name}`);
      expect((await got.media?.download())?.equals(PICTURE)).toBe(true);
    }

    // Ana types: everyone sees it. Carol reads up to Bob's picture: Matrix and Instagram see it
    // (WhatsApp takes no read receipt from a provider up to the provider's own message).
    await ana.agent.typing(chats["ana"] as string, true);
    // Typing and receipts are ephemeral on Matrix, not timeline events: the room's members show them.
    await eventually(async () => (alice.client.getRoom(roomId)?.getMember(ghosts.ana)?.typing ? true : undefined), "Ana typing on Matrix");
    for (const [name, person] of [["carol", carol], ["bob", bob]] as const) {
      await person.waitFor((e) => e.kind === "typing" && e.chat === chats[name] && e.active === true, `Ana typing at ${name}`);
    }
    const pictureAtCarol = await carol.waitFor((e) => e.kind === "message" && e.media !== undefined && e.thirdParty?.network === "instagram", "Bob's picture at Carol");
    await carol.agent.markRead(chats["carol"] as string, pictureAtCarol.messageId as string);
    await eventually(async () => (alice.client.getRoom(roomId)?.getUsersReadUpTo(pictureOnMatrix).includes(ghosts.carol) ? true : undefined), "Carol's read on Matrix");
    const pictureAtBob = (await bob.agent.history(chats["bob"] as string)).find((m) => m.kind !== "text" && m.sender === bob.id);
    await bob.waitFor((e) => e.kind === "receipt" && e.chat === chats["bob"] && e.messageId === pictureAtBob?.id, "Carol's read at Bob");

    // Alice takes her hello back: it goes from every network.
    await alice.client.redactEvent(roomId, hello.event_id);
    for (const [name, person] of Object.entries(natives)) {
      await person.waitFor((e) => e.kind === "delete" && e.messageId === helloThere[name], `the delete at ${name}`);
    }

    // Nothing arrived twice anywhere: a doubled message would come under a new id, so count by sender and words.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const [name, person] of Object.entries(natives)) {
      const texts = person.events.filter((e) => e.kind === "message" && e.text).map((e) => `${e.sender}: ${e.text}`);
      expect({ name, doubled: texts.filter((t, i) => texts.indexOf(t) !== i) }).toEqual({ name, doubled: [] });
    }
    const onMatrix = (alice.client.getRoom(roomId)?.getLiveTimeline().getEvents() ?? []).filter((e) => e.getType() === "m.room.message" && !e.isRedacted()).map((e) => `${e.getSender()}: ${e.getOriginalContent()["body"]}`);
    expect(onMatrix.filter((t, i) => onMatrix.indexOf(t) !== i)).toEqual([]);

    const file = process.env["CROSSCHAT_TRANSCRIPT"];
    if (file) writeFileSync(file, await transcript(alice.client, roomId, natives, chats));
  });
});

/**
 * The conversation as each of the four saw it: the Matrix timeline; for each app, its history of
 * the chat (their own messages included) and what else arrived (edits, reactions, deletes, typing,
 * receipts), with third-party senders shown by name and badge as the app shows them.
 */
async function transcript(client: MatrixClient, roomId: string, natives: Record<string, Person>, chats: Record<string, string>): Promise<string> {
  const lines: string[] = ["## Alice, on Matrix (the room's timeline)"];
  const room = client.getRoom(roomId);
  const nameOf = (userId: string) => room?.getMember(userId)?.name ?? userId;
  for (const event of room?.getLiveTimeline().getEvents() ?? []) lines.push(describeMatrix(event, nameOf));
  for (const [name, person] of Object.entries(natives)) {
    const chat = chats[name] as string;
    const received = person.events.filter((e) => e.chat === chat);
    const names = new Map(received.flatMap((e) => (e.sender && e.thirdParty ? [[e.sender, `${e.thirdParty.name} [${e.thirdParty.network}]`] as const] : [])));
    const who = (sender: string | undefined) => (sender === person.id ? "me" : (names.get(sender ?? "") ?? sender ?? "someone"));
    lines.push("", `## ${name}, on ${person.agent.network}: the chat's history`);
    for (const message of await person.agent.history(chat, 100)) {
      lines.push(`- ${who(message.sender)}: ${message.kind === "text" ? "" : `[${message.kind}] `}${message.text ?? ""}${message.replyTo ? " (a reply)" : ""}`);
    }
    lines.push(`## ${name}, on ${person.agent.network}: what else arrived`);
    for (const event of received.filter((e) => ["edit", "reaction", "delete", "typing", "receipt"].includes(e.kind))) {
      lines.push(`- ${event.kind} from ${who(event.sender)}: ${event.kind === "typing" ? String(event.active) : (event.text ?? "")}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

function describeMatrix(event: MatrixEvent, nameOf: (userId: string) => string): string {
  const content = event.getContent();
  const relation = content["m.relates_to"] as { rel_type?: string; key?: string; event_id?: string; "m.in_reply_to"?: { event_id?: string } } | undefined;
  const who = nameOf(event.getSender() as string);
  switch (event.getType()) {
    case "m.room.message":
      if (relation?.rel_type === "m.replace") return `- ${who} edited: ${(content["m.new_content"] as { body?: string }).body}`;
      if (event.isRedacted()) return `- ${who}: (deleted)`;
      return `- ${who}: ${content["msgtype"] === "m.image" ? "[image] " : ""}${content["body"]}${relation?.["m.in_reply_to"] ? " (a reply)" : ""}`;
    case "m.reaction":
      return `- ${who} reacted ${relation?.key}`;
    case "m.room.member":
      return `- ${nameOf(event.getStateKey() as string)}: ${content["membership"]}`;
    default:
      return `- ${event.getType()} from ${who}`;
  }
}
