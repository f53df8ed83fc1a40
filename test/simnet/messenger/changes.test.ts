/** Changing sent messages and reading them: edits, unsend, reactions, read watermarks. */
import { describe, expect, it } from "@jest/globals";
import { messengerNetwork } from "../../../src/simnet/messenger/index.js";
import { type MessengerWorld, refusal, TestClock, useMessenger } from "./harness.js";

const clock = new TestClock();
const start = useMessenger(messengerNetwork, { now: clock.now });


async function conversation(world: MessengerWorld) {
  const bob = await world.online("Bob");
  const alice = await world.online("Alice");
  const toBob = bob.user.account.id;
  const sent = await alice.client.api.send(toBob, { text: "first draft" });
  await bob.deltas.next("new_message");
  return { alice, bob, toBob, sent };
}

describe("messenger message changes", () => {
  it("lets the sender edit a text, telling everyone (the sender's sessions marked own) with the edit count", async () => {
    const world = await start();
    const { alice, bob, sent } = await conversation(world);
    const result = await alice.client.api.edit(sent.message_id, "second draft");
    expect(result.edit_count).toBe(1);
    expect(await bob.deltas.next("message_edited")).toMatchObject({ message_id: sent.message_id, text: "second draft", edit_count: 1, own: false });
    expect(await alice.deltas.next("message_edited")).toMatchObject({ own: true });
    const [stored] = (await bob.client.api.messages(alice.user.account.id)).messages;
    expect(stored).toMatchObject({ text: "second draft", edit_count: 1, edited_at: result.edited_at });
  });

  it("allows five edits and refuses the sixth", async () => {
    const world = await start();
    const { alice, sent } = await conversation(world);
    for (let i = 1; i <= 5; i++) await alice.client.api.edit(sent.message_id, `draft ${i}`);
    expect(await refusal(alice.client.api.edit(sent.message_id, "draft 6"))).toEqual([409, "edit_limit_reached"]);
  });

  it("refuses edits after 15 minutes, by anyone but the sender, of stickers, and to empty text", async () => {
    const world = await start();
    const { alice, bob, toBob, sent } = await conversation(world);
    expect(await refusal(bob.client.api.edit(sent.message_id, "not mine"))).toEqual([403, "not_sender"]);
    expect(await refusal(alice.client.api.edit(sent.message_id, ""))).toEqual([400, "empty_message"]);
    const sticker = await alice.client.api.send(toBob, { stickerId: "369239263222822" });
    expect(await refusal(alice.client.api.edit(sticker.message_id, "words"))).toEqual([400, "not_editable"]);
    clock.advance(14 * 60_000);
    await alice.client.api.edit(sent.message_id, "just in time");
    clock.advance(60_001);
    expect(await refusal(alice.client.api.edit(sent.message_id, "too late"))).toEqual([409, "edit_window_expired"]);
  });

  it("unsends at any time, sender only, leaving a tombstone without content", async () => {
    const world = await start();
    const { alice, bob, sent } = await conversation(world);
    await bob.client.api.react(sent.message_id, "❤️");
    expect(await refusal(bob.client.api.unsend(sent.message_id))).toEqual([403, "not_sender"]);
    clock.advance(365 * 24 * 60 * 60_000);
    const result = await alice.client.api.unsend(sent.message_id);
    expect(await bob.deltas.next("message_unsent")).toMatchObject({ message_id: sent.message_id, unsent_at: result.unsent_at });
    const [tombstone] = (await bob.client.api.messages(alice.user.account.id)).messages;
    expect(tombstone).toMatchObject({ id: sent.message_id, unsent: true, text: null, reactions: [], attachments: [] });
    expect(await alice.client.api.unsend(sent.message_id)).toEqual(result);
    expect(await refusal(alice.client.api.edit(sent.message_id, "back?"))).toEqual([409, "message_unsent"]);
    expect(await refusal(bob.client.api.react(sent.message_id, "👍"))).toEqual([409, "message_unsent"]);
  });

  it("keeps one reaction per person: setting another replaces it, removing clears it, each a delta", async () => {
    const world = await start();
    const { alice, bob, sent } = await conversation(world);
    await bob.client.api.react(sent.message_id, "👍");
    await bob.client.api.react(sent.message_id, "😂");
    await alice.client.api.react(sent.message_id, "👍🏽");
    let [message] = (await alice.client.api.messages(bob.user.account.id)).messages;
    expect(message!.reactions.map((r) => [r.user_id, r.emoji])).toEqual([
      [bob.user.account.id, "😂"],
      [alice.user.account.id, "👍🏽"],
    ]);
    await bob.client.api.unreact(sent.message_id);
    [message] = (await alice.client.api.messages(bob.user.account.id)).messages;
    expect(message!.reactions.map((r) => r.emoji)).toEqual(["👍🏽"]);
    await alice.deltas.count(5);
    expect(alice.deltas.ofType("reaction").map((d) => [d.actor_id === bob.user.account.id ? "bob" : "alice", d.emoji])).toEqual([
      ["bob", "👍"],
      ["bob", "😂"],
      ["alice", "👍🏽"],
      ["bob", null],
    ]);
  });

  it("accepts one emoji (with skin tone or joined sequence) and refuses anything else as a reaction", async () => {
    const world = await start();
    const { bob, sent } = await conversation(world);
    for (const emoji of ["👩‍👩‍👧", "🇫🇷", "❤️"]) await bob.client.api.react(sent.message_id, emoji);
    for (const emoji of ["ok", "👍👍", "a👍", " "]) expect(await refusal(bob.client.api.react(sent.message_id, emoji))).toEqual([400, "invalid_emoji"]);
  });

  it("moves a read watermark forward only, and tells the other participants with a read receipt", async () => {
    const world = await start();
    const { alice, bob, toBob, sent } = await conversation(world);
    clock.advance(1000);
    const later = await alice.client.api.send(toBob, { text: "second" });
    expect(await bob.client.api.markRead(alice.user.account.id, { messageId: later.message_id })).toBe(later.timestamp);
    expect(await alice.deltas.next("read_receipt")).toMatchObject({ actor_id: toBob, watermark_timestamp: later.timestamp, own: false });
    expect(await bob.client.api.markRead(alice.user.account.id, { messageId: sent.message_id })).toBe(later.timestamp);
    const thread = await alice.client.api.thread(toBob);
    expect(thread.participants.find((p) => p.id === toBob)?.read_watermark).toBe(later.timestamp);
    expect(alice.deltas.ofType("read_receipt")).toHaveLength(1);
  });

  it("caps a watermark in the future at the server's now", async () => {
    const world = await start();
    const { alice, bob } = await conversation(world);
    const watermark = await bob.client.api.markRead(alice.user.account.id, { timestamp: clock.now() + 10_000_000 });
    expect(watermark).toBeLessThanOrEqual(clock.now());
  });
});
