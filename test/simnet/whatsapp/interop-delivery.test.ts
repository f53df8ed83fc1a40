/**
 * Third-party chats on WhatsApp, how a provider's events are delivered: one ordered, durable,
 * acknowledged stream, sent again when not acknowledged (a failed handler, a dropped connection,
 * a provider restart, a server restart), with the provider's own actions in it.
 */
import { describe, expect, it } from "@jest/globals";
import type { InteropEvent } from "../../../src/simnet/client/interop.js";
import { connectProvider, eventLog, interopIdOf, optedIn, publish, startInterop } from "./interop-support.js";

const textOf = (event: InteropEvent) => (event.type === "message" ? event.body.text : undefined);

/** Alice and Carol in a direct chat; the provider listens into `log` only when asked to. */
async function directChat(listen: boolean) {
  const test = await startInterop({}, { listen });
  const alice = await optedIn(test.wa, "Alice", { discoverable: true });
  const carol = await publish(test.provider, "carol", "Carol");
  const chat = await test.provider.createChat({ kind: "direct", creator: "carol", members: [{ kind: "native", id: await interopIdOf(test.provider, alice) }] });
  return { ...test, alice, carol, chat };
}

describe("whatsapp third-party chats: delivery to the provider", () => {
  it("delivers an event again when its handler fails, and skips nothing after it", async () => {
    const { alice, carol, provider } = await directChat(false);
    for (const text of ["1", "2", "3", "4"]) await alice.sendText(carol.jid, text);
    const attempts: string[] = [];
    const handled = eventLog();
    let failed = false;
    await provider.listen(async (event) => {
      const text = textOf(event);
      if (text === undefined) return;
      attempts.push(text);
      if (text === "2" && !failed) {
        failed = true;
        throw new Error("the gateway could not take it just now");
      }
      await handled.handler(event);
    });
    await handled.waitFor("message", (e) => e.body.text === "4");
    expect(handled.events.map(textOf)).toEqual(["1", "2", "3", "4"]);
    expect(attempts.filter((t) => t === "2")).toHaveLength(2);
  });

  it("sends again what a provider had not acknowledged when it stopped, and nothing it had", async () => {
    const { wa, alice, carol, credentials, provider: first } = await directChat(false);
    for (const text of ["1", "2"]) await alice.sendText(carol.jid, text);
    // The first run takes "1" and "2", then fails at "3" (its process "crashes" there).
    const firstRun = eventLog();
    const stop = await first.listen(async (event) => {
      if (textOf(event) === "3") throw new Error("crashed");
      await firstRun.handler(event);
    });
    await firstRun.waitFor("message", (e) => e.body.text === "2");
    await alice.sendText(carol.jid, "3");
    await alice.setChatState(carol.jid, "composing");
    await alice.sendText(carol.jid, "4");
    await stop();
    await first.close();

    const second = await connectProvider(wa, credentials);
    const secondRun = eventLog();
    await second.listen(secondRun.handler);
    await secondRun.waitFor("message", (e) => e.body.text === "4");
    expect(secondRun.events.map(textOf)).toEqual(["3", "4"]);
    // Typing is live only: never stored, never sent again.
    expect(secondRun.events.some((e) => e.type === "typing")).toBe(false);
  });

  it("redelivers after dropped connections, in order and without losing anything", async () => {
    const { wa, alice, carol, log } = await directChat(true);
    await alice.sendText(carol.jid, "before");
    await log.waitFor("message", (e) => e.body.text === "before");
    await wa.admin.dropConnections();
    for (const text of ["during-1", "during-2"]) await alice.sendText(carol.jid, text);
    await log.waitFor("message", (e) => e.body.text === "during-2");
    const texts = log.events.map(textOf).filter((t) => t !== undefined);
    expect(texts).toEqual(["before", "during-1", "during-2"]);
  });

  it("keeps a provider's undelivered events across a server restart", async () => {
    const { wa, alice, carol, chat, credentials, provider } = await directChat(false);
    await provider.close();
    await alice.sendText(carol.jid, "while away");
    await wa.net.restart();
    const again = await connectProvider(wa, credentials);
    const log = eventLog();
    await again.listen(log.handler);
    expect(await log.waitFor("message")).toMatchObject({ chat: chat.id, body: { text: "while away" } });
    // The chat, its identity and its user survived too.
    const sent = await again.send(chat.id, "carol", { text: "welcome back" }, "k");
    expect((await log.waitFor("message", (e) => e.id === sent.id)).sender).toEqual({ kind: "third_party", id: "carol" });
  });

  it("includes the provider's own actions, with its identity as the sender, so it can confirm them", async () => {
    const { provider, log, chat, alice, carol } = await directChat(true);
    const sent = await provider.send(chat.id, "carol", { text: "mine" }, "k");
    const hers = await alice.sendText(carol.jid, "hers");
    await provider.edit(chat.id, "carol", sent.id, "mine, edited");
    await provider.react(chat.id, "carol", hers.id, "👍");
    await provider.markRead(chat.id, "carol", hers.id);
    await provider.delete(chat.id, "carol", sent.id);
    const carolSender = { kind: "third_party", id: "carol" };
    expect(await log.waitFor("message", (e) => e.id === sent.id)).toMatchObject({ sender: carolSender, body: { text: "mine" } });
    expect(await log.waitFor("edit")).toMatchObject({ id: sent.id, sender: carolSender, text: "mine, edited" });
    expect(await log.waitFor("reaction")).toMatchObject({ id: hers.id, sender: carolSender, emoji: "👍" });
    expect(await log.waitFor("read")).toMatchObject({ upTo: hers.id, reader: carolSender });
    expect(await log.waitFor("delete")).toMatchObject({ id: sent.id, sender: carolSender });
    // In the order the network saw them, from Alice turning third-party chats on.
    expect(log.events.map((e) => e.type)).toEqual(["opt_in", "chat", "message", "message", "edit", "reaction", "read", "delete"]);
  });
});
