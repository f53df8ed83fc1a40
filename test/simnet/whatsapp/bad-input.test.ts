import { afterEach, describe, expect, it } from "@jest/globals";
import { FrameSocket } from "../../../src/simnet/client/socket.js";
import { newMessageId } from "../../../src/simnet/whatsapp/client/client.js";
import { REALTIME_PATH } from "../../../src/simnet/whatsapp/protocol.js";
import { errorCode, record, registerPhone, startAliceAndBob, startWhatsapp, type WaTest } from "./support.js";

const sockets: FrameSocket[] = [];

async function open(wa: WaTest): Promise<FrameSocket> {
  const socket = await FrameSocket.open(`${wa.net.url}${REALTIME_PATH}`);
  sockets.push(socket);
  return socket;
}

async function call(wa: WaTest, method: string, path: string, options: { token?: string; raw?: string; body?: unknown } = {}) {
  const response = await fetch(`${wa.net.url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
    ...(options.raw !== undefined ? { body: options.raw } : options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const body = (await response.json()) as { error: { code: number; text: string; message: string } };
  return [response.status, body.error?.text];
}

describe("whatsapp bad input", () => {
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => s.close()));
  });

  it("answers malformed JSON, wrong types, invalid ids and wrong tokens with protocol errors", async () => {
    const wa = await startWhatsapp();
    const alice = await registerPhone(wa, "Alice");
    const token = alice.session.token;
    expect(await call(wa, "POST", "/v1/messages", { token, raw: "{nope" })).toEqual([400, "malformed_json"]);
    expect(await call(wa, "POST", "/v1/messages", { token, body: { id: 5, to: [], kind: "x", copies: "y" } })).toEqual([400, "invalid_argument"]);
    expect(await call(wa, "POST", "/v1/messages", { token, body: { id: "not-hex", to: alice.jid, kind: "message", copies: {} } })).toEqual([400, "invalid_argument"]);
    expect(await call(wa, "POST", "/v1/messages", { token, body: { id: newMessageId(), to: "someone@example.com", kind: "message", copies: {} } })).toEqual([400, "invalid_jid"]);
    expect(await call(wa, "POST", "/v1/messages", { token, body: { id: newMessageId(), to: "15550000001@s.whatsapp.net", kind: "message", copies: {} } })).toEqual([404, "not_on_whatsapp"]);
    expect(await call(wa, "POST", "/v1/messages", { token, body: { id: newMessageId(), to: alice.jid, kind: "edit", copies: {} } })).toEqual([409, "device_list_mismatch"]);
    expect(await call(wa, "GET", "/v1/chats", { token: "forged" })).toEqual([401, "unauthorized"]);
    expect(await call(wa, "GET", "/v1/chats")).toEqual([401, "unauthorized"]);
    expect(await call(wa, "GET", "/v1/devices?jids=garbage", { token })).toEqual([400, "invalid_jid"]);
    expect(await call(wa, "POST", "/v1/register/verify", { body: { phone: "+1", code: "x", public_key: "short" } })).toEqual([400, "invalid_argument"]);
    expect(await call(wa, "GET", "/admin/accounts", { token })).toEqual([401, "unauthorized"]);
    expect(await call(wa, "POST", "/v1/media", { token, body: { kind: "image", data: "@@@@" } })).toEqual([400, "invalid_media"]);
  });

  it("answers bad stanzas with error stanzas and keeps the connection serving", async () => {
    const wa = await startWhatsapp();
    const alice = await registerPhone(wa, "Alice");
    const socket = await open(wa);
    socket.send({ type: "ack", seq: 1 });
    expect(await socket.next((f) => f.type === "error")).toMatchObject({ error: { code: 401, text: "not_authenticated" } });
    socket.send({ type: "hello", token: alice.session.token });
    await socket.next((f) => f.type === "success");
    const errors: string[] = [];
    socket.onFrame((frame) => {
      if (frame.type === "error") errors.push((frame.error as { text: string }).text);
    });
    socket.sendRaw("{not json");
    socket.sendRaw(Buffer.from([1, 2, 3]));
    socket.send({ type: "teleport" });
    socket.send({ type: "ack", seq: 99 });
    socket.send({ type: "ack", seq: -1 });
    socket.send({ type: "hello", token: alice.session.token });
    socket.send({ type: "receipt", chat: alice.jid, kind: "read", ids: [] });
    socket.send({ type: "message", id: "x" });
    socket.send({ type: "ping", id: "still-alive" });
    const pong = await socket.next((f) => f.type === "pong");
    expect(pong).toEqual({ type: "pong", id: "still-alive" });
    expect(errors).toEqual(["malformed_frame", "binary_frame", "unknown_stanza", "ack_out_of_range", "invalid_argument", "already_authenticated", "invalid_argument", "invalid_argument"]);
  });

  it("closes a socket that says hello with a dead token", async () => {
    const wa = await startWhatsapp();
    const socket = await open(wa);
    socket.send({ type: "hello", token: "no-such-token" });
    expect(await socket.next((f) => f.type === "error")).toMatchObject({ error: { code: 401, text: "unauthorized" } });
    await new Promise<void>((resolve) => socket.onClose(() => resolve()));
    expect(socket.closed?.code).toBe(4401);
  });

  it("ignores a replayed old ack and refuses acks past what was delivered", async () => {
    const { wa, alice, bob } = await startAliceAndBob();
    for (const text of ["1", "2", "3"]) await alice.sendText(bob.jid, text);
    const socket = await open(wa);
    socket.send({ type: "hello", token: bob.session.token });
    await socket.next((f) => f.type === "message" && f.seq === 3);
    socket.send({ type: "ack", seq: 3 });
    socket.send({ type: "ack", seq: 1 });
    socket.send({ type: "ack", seq: 4 });
    expect(await socket.next((f) => f.type === "error")).toMatchObject({ error: { text: "ack_out_of_range" } });
    await socket.close();
    const success = record(bob, "connection");
    await bob.connect();
    expect((await success.waitFor(1))[0]).toMatchObject({ kind: "connected", position: 3 });
  });

  it("replaces an older connection of the same device, which is told and stops reconnecting", async () => {
    const wa = await startWhatsapp();
    const bob = await registerPhone(wa, "Bob");
    const status = record(bob, "connection");
    await bob.connect();
    const intruder = await open(wa);
    intruder.send({ type: "hello", token: bob.session.token });
    await intruder.next((f) => f.type === "success");
    const [ended] = await status.waitFor(1, (s) => s.kind === "ended");
    expect(ended).toEqual({ kind: "ended", reason: "replaced", detail: "replaced" });
    expect(await errorCode(bob.subscribePresence(bob.jid))).toBe("not_connected");
  });
});
