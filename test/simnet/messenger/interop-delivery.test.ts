/**
 * The provider's event stream is durable and acknowledged: what the provider did not
 * acknowledge comes again, after a failed handler, a dropped socket, a provider restart or a
 * network restart; duplicates from at-least-once delivery are dropped by sequence number.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import { RawStream, useMessenger } from "./harness.js";
import { chatWithBob, closeProviders, connectProvider, EventRecorder } from "./interop-harness.js";

const start = useMessenger();
afterEach(closeProviders);

const texts = (recorder: EventRecorder) => recorder.ofType("message").map((e) => e.body.text);

describe("messenger third-party chats: the provider's stream", () => {
  it("sends an event again, in order, when the handler failed, and acknowledges it once handled", async () => {
    const world = await start();
    const { recorder, alice, bobId } = await chatWithBob(world);
    let refusals = 0;
    recorder.refuse = (event) => event.type === "message" && event.body.text === "one" && refusals++ < 2;
    await alice.client.api.send(bobId, { text: "one" });
    await alice.client.api.send(bobId, { text: "two" });
    await recorder.next("message", (e) => e.body.text === "two");
    expect(refusals).toBe(3);
    expect(texts(recorder)).toEqual(["one", "two"]);
  });

  it("keeps what a provider did not acknowledge and sends it on its next connection (wire level)", async () => {
    const world = await start();
    const { credentials, stop, alice, bobId } = await chatWithBob(world);
    await stop();
    await alice.client.api.send(bobId, { text: "while away" });
    const first = await RawStream.open(world.url, { provider_token: credentials.token });
    const delta = await first.next((f) => f.type === "delta" && (f.delta as { type: string }).type === "message");
    first.close();
    // Not acknowledged: the next connection (resuming from the acknowledged position) gets it again.
    const second = await RawStream.open(world.url, { provider_token: credentials.token });
    expect(await second.next((f) => f.type === "delta" && (f.delta as { type: string }).type === "message")).toEqual(delta);
    second.send({ type: "ack", seq: delta.seq });
    second.close();
    const third = await RawStream.open(world.url, { provider_token: credentials.token });
    expect(await third.next((f) => f.type === "connected")).toMatchObject({ provider_id: credentials.providerId, resume_from: delta.seq });
    third.close();
  });

  it("delivers what happened while the provider was away once it starts again, and nothing it had handled", async () => {
    const world = await start();
    const { credentials, stop, recorder, alice, bobId } = await chatWithBob(world);
    await alice.client.api.send(bobId, { text: "before" });
    await recorder.next("message");
    await stop();
    await alice.client.api.send(bobId, { text: "while away 1" });
    await alice.client.api.send(bobId, { text: "while away 2" });
    const restarted = await connectProvider(world, credentials);
    await restarted.recorder.next("message", (e) => e.body.text === "while away 2");
    expect(texts(restarted.recorder)).toEqual(["while away 1", "while away 2"]);
    expect(restarted.recorder.ofType("chat")).toEqual([]);
  });

  it("carries on across a network restart, and across dropped connections, losing nothing", async () => {
    const world = await start();
    const { credentials, stop, alice, bobId } = await chatWithBob(world);
    await stop();
    await alice.client.api.send(bobId, { text: "stored before the restart" });
    await world.restart();
    const again = await connectProvider(world, credentials);
    await again.recorder.next("message", (e) => e.body.text === "stored before the restart");
    await world.admin.dropConnections();
    const writer = await world.login(alice.user);
    await writer.api.send(bobId, { text: "after the drop" });
    await again.recorder.next("message", (e) => e.body.text === "after the drop");
    expect(texts(again.recorder)).toEqual(["stored before the restart", "after the drop"]);
  });

  it("drops events the network delivers twice", async () => {
    const world = await start();
    const { recorder, alice, bobId } = await chatWithBob(world);
    // Alice's own stream would take some of the duplicates: only the provider's is open.
    await alice.client.realtime().close();
    await world.admin.duplicateDeliveries(3);
    for (const text of ["a", "b", "c"]) await alice.client.api.send(bobId, { text });
    await recorder.next("message", (e) => e.body.text === "c");
    expect(texts(recorder)).toEqual(["a", "b", "c"]);
  });
});
