/**
 * Sending over the realtime connection, as the Instagram app does over MQTT: `send_item`
 * answered by `item_ack` with the same item REST would give, refusals tied to their
 * client_context, idempotency shared with REST, send-only connections, and the agent falling
 * back to REST when the connection drops mid-send.
 */
import { describe, expect, it } from "@jest/globals";
import { SimnetRequestError } from "../../../src/simnet/client/http.js";
import { FrameSocket } from "../../../src/simnet/client/socket.js";
import { InstagramAgent } from "../../../src/simnet/instagram/client/agent.js";
import { RealtimeSendInterrupted } from "../../../src/simnet/instagram/client/realtime.js";
import { Harness, testNetwork } from "./harness.js";

describe("instagram sends over realtime", () => {
  it("answers send_item with item_ack and delivers the item like a REST send", async () => {
    const h = await Harness.start();
    const { alice, bob, thread_id } = await h.pair();
    const [aliceConnection, bobEvents] = await Promise.all([h.listen(alice), h.listen(bob)]);
    const original = await bob.sendText(thread_id, "question");
    const item = await aliceConnection.realtime.sendItem("text", thread_id, "ctx-rt-1", { text: "over the socket", replied_to_item_id: original.item_id });
    expect(item).toMatchObject({ item_type: "text", text: "over the socket", client_context: "ctx-rt-1", user_id: alice.userId });
    expect(item.replied_to_message?.item_id).toBe(original.item_id);
    const [delivered] = await bobEvents.until((e) => e.type === "item" && e.item.client_context === "ctx-rt-1");
    expect(delivered).toMatchObject({ item: { item_id: item.item_id, is_sent_by_viewer: false } });
    expect((await alice.sendLike(thread_id, { clientContext: "ctx-rt-1" })).item_id).toBe(item.item_id);
  });

  it("refuses a bad send_item with an error frame naming its client_context and REST's status", async () => {
    const h = await Harness.start(testNetwork({ rateLimits: { sendsPerMinute: 1 } }));
    const { alice, thread_id } = await h.pair();
    const { realtime } = await h.listen(alice);
    const tooLong = await realtime.sendItem("text", thread_id, "ctx-long", { text: "x".repeat(1001) }).catch((e: unknown) => e);
    expect(tooLong).toBeInstanceOf(SimnetRequestError);
    expect(tooLong).toMatchObject({ status: 400, code: "text_too_long", body: { client_context: "ctx-long" } });
    await realtime.sendItem("text", thread_id, "ctx-ok", { text: "fine" });
    const limited = await realtime.sendItem("like", thread_id, "ctx-limited").catch((e: unknown) => e);
    expect(limited).toMatchObject({ status: 429, code: "feedback_required", body: { spam: true, feedback_title: "Try Again Later" } });
    expect((limited as SimnetRequestError).retryAfter).toBeGreaterThanOrEqual(1);
    await expect(realtime.sendItem("text", "123", "ctx-nowhere", { text: "hi" })).rejects.toMatchObject({ status: 404, code: "thread_not_found" });
  });

  it("connects for sending only when asked not to subscribe, receiving no updates", async () => {
    const h = await Harness.start();
    const { alice, bob, thread_id } = await h.pair();
    await bob.sendText(thread_id, "an update alice's send-only socket must not get");
    const socket = await FrameSocket.open(`${h.url}/realtime`);
    const frames: Record<string, unknown>[] = [];
    socket.onFrame((frame) => frames.push(frame));
    try {
      const connected = socket.next((f) => f.type === "connected");
      socket.send({ type: "connect", token: alice.session.token, subscribe: false });
      expect(await connected).toMatchObject({ seq_id: null });
      const ack = socket.next((f) => f.type === "item_ack");
      socket.send({ type: "send_item", kind: "text", thread_id, client_context: "send-only", text: "from a send-only socket" });
      expect((await ack).item).toMatchObject({ text: "from a send-only socket" });
      const refused = socket.next((f) => f.type === "error");
      socket.send({ type: "ack", seq_id: 1 });
      expect(await refused).toMatchObject({ error_type: "not_subscribed" });
      expect(frames.filter((f) => f.type === "patch")).toEqual([]);
    } finally {
      socket.terminate();
    }
  });

  it("rejects sends in flight when the connection goes, and the same client_context then goes through once", async () => {
    const h = await Harness.start();
    const { alice, thread_id } = await h.pair();
    const { realtime } = await h.listen(alice);
    const inFlight = expect(realtime.sendItem("text", thread_id, "ctx-dropped", { text: "maybe sent" })).rejects.toBeInstanceOf(RealtimeSendInterrupted);
    await realtime.close();
    await inFlight;
    await alice.sendText(thread_id, "maybe sent", { clientContext: "ctx-dropped" });
    expect((await h.admin.items(thread_id)).filter((i) => i.client_context === "ctx-dropped")).toHaveLength(1);
    await expect(realtime.sendItem("text", thread_id, "ctx-closed", { text: "x" })).rejects.toBeInstanceOf(RealtimeSendInterrupted);
  });

  it("lets the agent send over a connection once one is open, and over REST when it is not", async () => {
    const h = await Harness.start();
    const { alice, bob, thread_id } = await h.pair();
    const agent = new InstagramAgent(alice);
    try {
      const bobEvents = await h.listen(bob);
      const texts = ["first, over REST while the socket opens"];
      await agent.send(thread_id, texts[0]!);
      for (let i = 0; i < 20; i++) {
        texts.push(`message ${i}`);
        await agent.send(thread_id, `message ${i}`);
        if (i === 10) await h.admin.dropConnections();
      }
      const items = await bobEvents.until((e) => e.type === "item", texts.length);
      expect(items.map((e) => (e.type === "item" ? e.item.text : ""))).toEqual(texts);
      expect(await h.admin.items(thread_id)).toHaveLength(texts.length);
    } finally {
      await agent.close();
    }
  });
});
