/**
 * A provider's stream on Instagram: ordered, durable, acknowledged once handled. What the
 * provider did not acknowledge comes again (after a refusal, a dropped connection, a provider
 * restart or a server restart) and what it did does not; its own actions come back marked by
 * its identity; typing is live only.
 */
import { describe, expect, it } from "@jest/globals";
import type { InteropEvent } from "../../../src/simnet/client/interop.js";
import { Harness, sleep } from "./harness.js";
import { directScene, identity, reconnect } from "./interop-harness.js";

const texts = (events: InteropEvent[]) => events.flatMap((e) => (e.type === "message" && e.body.text !== undefined ? [e.body.text] : []));

describe("instagram provider stream", () => {
  it("offers a refused event again, with everything after it, in order", async () => {
    const h = await Harness.start();
    const { p, alice, chat } = await directScene(h);
    await p.stop();
    const again = await reconnect(h, p.credentials);
    // "2" is refused the first time it is offered only.
    let offersOfTwo = 0;
    await again.listen((e) => e.type === "message" && e.body.text === "2" && offersOfTwo++ === 0);
    for (const text of ["1", "2", "3"]) await alice.sendText(chat.id, text);
    await again.until("message", (e) => e.body.text === "3");
    expect(texts(again.events)).toEqual(["1", "2", "3"]);
    expect(offersOfTwo).toBe(2);
  });

  it("sends again after a reconnect what was not acknowledged, and never what was", async () => {
    const h = await Harness.start();
    const { p, alice, chat } = await directScene(h);
    await alice.sendText(chat.id, "handled");
    await p.until("message", (e) => e.body.text === "handled");
    await p.stop();
    await alice.sendText(chat.id, "while away 1");
    await alice.sendText(chat.id, "while away 2");
    const restarted = await reconnect(h, p.credentials);
    await restarted.listen();
    await restarted.until("message", (e) => e.body.text === "while away 2");
    expect(texts(restarted.events)).toEqual(["while away 1", "while away 2"]);
    expect(restarted.of("chat")).toEqual([]);
  });

  it("resumes after a server restart from the last acknowledgement", async () => {
    const h = await Harness.start();
    const { p, alice, chat } = await directScene(h);
    await alice.sendText(chat.id, "before");
    await p.until("message", (e) => e.body.text === "before");
    await p.api.close();
    await h.net.restart();
    await alice.sendText(chat.id, "after");
    const back = await reconnect(h, p.credentials);
    await back.listen();
    await back.until("message", (e) => e.body.text === "after");
    expect(texts(back.events)).toEqual(["after"]);
    expect(await back.api.lookup("alice")).toMatchObject({ id: alice.userId });
  });

  it("loses and doubles nothing when connections drop and deliveries come twice", async () => {
    const h = await Harness.start();
    const { p, alice, chat } = await directScene(h);
    await h.admin.duplicateDeliveries(3);
    await alice.sendText(chat.id, "m1");
    await alice.sendText(chat.id, "m2");
    await p.until("message", (e) => e.body.text === "m2");
    expect(await h.admin.dropConnections()).toBeGreaterThanOrEqual(1);
    for (const text of ["m3", "m4", "m5"]) await alice.sendText(chat.id, text);
    await p.until("message", (e) => e.body.text === "m5", 10_000);
    expect(texts(p.events)).toEqual(["m1", "m2", "m3", "m4", "m5"]);
  });

  it("tells the provider of its own actions, with its identity as the sender", async () => {
    const h = await Harness.start();
    const { p, chat } = await directScene(h);
    const sent = await p.api.send(chat.id, "ms.ivy", { text: "mine" }, "own-1");
    await p.api.react(chat.id, "ms.ivy", sent.id, "🎉");
    const echo = await p.until("message", (e) => e.id === sent.id);
    expect(echo).toMatchObject({ sender: identity("ms.ivy"), at: sent.at, body: { text: "mine" } });
    expect(await p.until("reaction")).toMatchObject({ id: sent.id, sender: identity("ms.ivy"), emoji: "🎉" });
  });

  it("passes typing to a connected provider live, and never replays it", async () => {
    const h = await Harness.start();
    const { p, alice, chat } = await directScene(h);
    await alice.typing(chat.id, true);
    await p.until("typing", (e) => e.typing);
    await p.stop();
    await alice.typing(chat.id, false);
    await alice.sendText(chat.id, "marker");
    const back = await reconnect(h, p.credentials);
    await back.listen();
    await back.until("message", (e) => e.body.text === "marker");
    await sleep(50);
    expect(back.of("typing")).toEqual([]);
  });
});
