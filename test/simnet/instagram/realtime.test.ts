/**
 * The realtime stream: patches to every session of everyone concerned (the sender's own
 * sessions included, marked as theirs), resume from a seq_id after dropped or refused
 * connections without loss, reordering or duplicates, acks as the resume point, the resync
 * answer past retention, and bad frames answered with errors rather than crashes.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import { FrameSocket } from "../../../src/simnet/client/socket.js";
import type { InstagramClient } from "../../../src/simnet/instagram/client/client.js";
import { Harness, sleep, testNetwork } from "./harness.js";

interface RawConnection {
  socket: FrameSocket;
  frames: Record<string, unknown>[];
  /** Resolves with the first frame, already received or still to come, that matches. */
  until(match: (frame: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

const rawSockets: FrameSocket[] = [];
afterEach(() => rawSockets.splice(0).forEach((socket) => socket.terminate()));

async function rawSocket(h: Harness): Promise<RawConnection> {
  const socket = await FrameSocket.open(`${h.url}/realtime`);
  rawSockets.push(socket);
  const frames: Record<string, unknown>[] = [];
  socket.onFrame((frame) => frames.push(frame));
  const until = (match: (frame: Record<string, unknown>) => boolean) => {
    const found = frames.find(match);
    return found ? Promise.resolve(found) : socket.next(match);
  };
  return { socket, frames, until };
}

/** A raw socket, connected as `client` from `seqId` (or from its last ack). */
async function rawConnect(h: Harness, client: InstagramClient, seqId?: number): Promise<RawConnection> {
  const raw = await rawSocket(h);
  raw.socket.send({ type: "connect", token: client.session.token, ...(seqId !== undefined ? { seq_id: seqId } : {}) });
  await raw.until((f) => f.type === "connected" || f.type === "resync_required");
  return raw;
}

describe("instagram realtime", () => {
  it("echoes what a user sends to their other sessions, marked as their own", async () => {
    const h = await Harness.start();
    const phone = await h.user("alice");
    const laptop = await h.login("alice", "android-laptop");
    await h.account("bob");
    const laptopEvents = await h.listen(laptop);
    const { thread_id } = await phone.directThread({ username: "bob" });
    const sent = await phone.sendText(thread_id, "sent from the phone", { clientContext: "ctx-phone-1" });
    const [echo] = await laptopEvents.until((e) => e.type === "item");
    expect(echo).toMatchObject({ fromSelf: true, item: { item_id: sent.item_id, client_context: "ctx-phone-1", is_sent_by_viewer: true } });
  });

  it("resumes after dropped connections without losing, reordering or repeating anything", async () => {
    const h = await Harness.start();
    const { alice, bob, thread_id } = await h.pair();
    const bobEvents = await h.listen(bob);
    const disconnects: number[] = [];
    bobEvents.realtime.on("disconnected", ({ code }) => disconnects.push(code));
    for (let i = 0; i < 30; i++) {
      await alice.sendText(thread_id, `n${i}`);
      if (i % 10 === 5) await h.admin.dropConnections();
    }
    const items = await bobEvents.until((e) => e.type === "item", 30);
    expect(items.map((e) => (e.type === "item" ? e.item.text : ""))).toEqual(Array.from({ length: 30 }, (_, i) => `n${i}`));
    const seqs = bobEvents.events.map((e) => e.seqId!);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(disconnects.length).toBeGreaterThanOrEqual(3);
  });

  it("keeps retrying while connections are refused, then catches up", async () => {
    const h = await Harness.start();
    const { alice, bob, thread_id } = await h.pair();
    const bobEvents = await h.listen(bob);
    let reconnects = 0;
    bobEvents.realtime.on("connected", () => (reconnects += 1));
    await h.admin.refuseConnections(0.4);
    await h.admin.dropConnections();
    const started = Date.now();
    // Refused too (503 with Retry-After): the client library waits and sends again.
    await alice.sendText(thread_id, "while away");
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    await bobEvents.until((e) => e.type === "item" && e.item.text === "while away");
    expect(reconnects).toBe(1);
  });

  it("drops redelivered patches by seq_id", async () => {
    const h = await Harness.start();
    const { alice, bob, thread_id } = await h.pair();
    const snapshot = (await bob.inbox()).seq_id;
    const raw = await rawConnect(h, bob, snapshot);
    const bobEvents = await h.listen(bob, { seqId: snapshot });
    await h.admin.duplicateDeliveries(4);
    for (const text of ["a", "b", "c"]) await alice.sendText(thread_id, text);
    await bobEvents.until((e) => e.type === "item", 3);
    await sleep(50);
    const rawSeqs = raw.frames.filter((f) => f.type === "patch").map((f) => f.seq_id);
    expect(rawSeqs.length).toBeGreaterThan(3);
    expect(new Set(rawSeqs).size).toBe(3);
    expect(bobEvents.of("item").map((e) => e.item.text)).toEqual(["a", "b", "c"]);
  });

  it("resumes a connect without seq_id from the session's last ack", async () => {
    const h = await Harness.start();
    const { alice, bob, thread_id } = await h.pair();
    for (const text of ["one", "two", "three"]) await alice.sendText(thread_id, text);
    const first = await rawConnect(h, bob, 1);
    await first.until((f) => f.seq_id === 4);
    first.socket.send({ type: "ack", seq_id: 3 });
    first.socket.send({ type: "ack", seq_id: 2 });
    first.socket.send({ type: "ping" });
    await first.socket.next((f) => f.type === "pong");
    await first.socket.close();
    const second = await rawConnect(h, bob);
    expect(second.frames[0]).toMatchObject({ type: "connected", seq_id: 3, latest_seq_id: 4 });
    expect((await second.until((f) => f.type === "patch")).seq_id).toBe(4);
  });

  it("starts a new session's stream at login: older events are not replayed to it", async () => {
    const h = await Harness.start();
    const { alice, thread_id } = await h.pair();
    await alice.sendText(thread_id, "before bob logged in");
    const bob = await h.login("bob");
    const raw = await rawConnect(h, bob);
    expect(raw.frames[0]).toMatchObject({ type: "connected", seq_id: 2, latest_seq_id: 2 });
  });

  it("tells a client past retention to resync, and the client fetches the inbox and carries on live", async () => {
    const h = await Harness.start(testNetwork({ retention: { maxEventsPerStream: 5 } }));
    const { alice, bob, thread_id } = await h.pair();
    for (let i = 0; i < 70; i++) await alice.sendText(thread_id, `missed ${i}`);
    const realtime = h.track(bob.realtime({ seqId: 1, reconnectInitialMs: 20 }));
    const required = new Promise<{ seqId: number; firstSeqId: number }>((resolve) => realtime.on("resync_required", resolve));
    const resynced = new Promise<{ seqId: number; inbox: { inbox: { threads: { items: { text?: string }[] }[] } } }>((resolve) => realtime.on("resync", resolve));
    const live = new Promise<unknown>((resolve) => realtime.on("update", (e) => e.type === "item" && e.item.text === "after the resync" && resolve(e)));
    await realtime.start();
    expect(await required).toMatchObject({ seqId: 1, firstSeqId: 60 });
    const resync = await resynced;
    expect(resync.seqId).toBe(71);
    expect(resync.inbox.inbox.threads[0]!.items[0]!.text).toBe("missed 69");
    await alice.sendText(thread_id, "after the resync");
    await live;
    expect(realtime.seqId).toBe(72);
  });

  it("answers bad frames with errors and keeps the connection", async () => {
    const h = await Harness.start();
    const alice = await h.user("alice");
    const { socket } = await rawSocket(h);
    const errorFor = async (frame: string | Buffer) => {
      const answer = socket.next((f) => f.type === "error");
      socket.sendRaw(frame);
      return (await answer).error_type;
    };
    expect(await errorFor("{not json")).toBe("malformed_frame");
    expect(await errorFor(Buffer.from([1, 2, 3]))).toBe("binary_frame");
    expect(await errorFor(JSON.stringify({ type: "ack", seq_id: 1 }))).toBe("not_connected");
    expect(await errorFor(JSON.stringify({ type: "connect", token: 42 }))).toBe("invalid_argument");
    const connected = socket.next((f) => f.type === "connected");
    socket.send({ type: "connect", token: alice.session.token });
    await connected;
    expect(await errorFor(JSON.stringify({ type: "ack", seq_id: 99 }))).toBe("ack_out_of_range");
    expect(await errorFor(JSON.stringify({ type: "ack", seq_id: -1 }))).toBe("invalid_argument");
    expect(await errorFor(JSON.stringify({ type: "subscribe" }))).toBe("unknown_frame_type");
    expect(await errorFor(JSON.stringify({ type: "connect", token: alice.session.token }))).toBe("already_connected");
    expect(await errorFor(JSON.stringify({ type: "activity", thread_id: "123", activity_status: 1 }))).toBe("thread_not_found");
    const pong = socket.next((f) => f.type === "pong");
    socket.send({ type: "ping" });
    await pong;
    expect(socket.isOpen).toBe(true);
  });

  it("tells a client that names a position the stream never reached to resync", async () => {
    const h = await Harness.start();
    const alice = await h.user("alice");
    const raw = await rawConnect(h, alice, 500);
    expect(raw.frames[0]).toMatchObject({ type: "resync_required", error_type: "resync_required", seq_id: 500 });
    await new Promise((resolve) => raw.socket.onClose(resolve));
    expect(raw.socket.closed?.code).toBe(4410);
  });
});
