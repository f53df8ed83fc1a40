/**
 * Bad input to WhatsApp's interoperability API: malformed bodies, wrong tokens on either side
 * (a device's token is no provider's and the other way round), unknown ids and frames a
 * provider's socket does not take are protocol errors, and the network goes on serving.
 */
import { describe, expect, it } from "@jest/globals";
import { FrameSocket } from "../../../src/simnet/client/socket.js";
import { REALTIME_PATH } from "../../../src/simnet/whatsapp/protocol.js";
import { interopIdOf, optedIn, publish, startInterop } from "./interop-support.js";
import type { WaTest } from "./support.js";

async function call(wa: WaTest, method: string, path: string, options: { token?: string; raw?: string; body?: unknown } = {}): Promise<[number, string | undefined]> {
  const response = await fetch(`${wa.net.url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
    ...(options.raw !== undefined ? { body: options.raw } : options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const body = (await response.json()) as { error?: { text: string } };
  return [response.status, body.error?.text];
}

describe("whatsapp third-party chats: bad input", () => {
  it("answers malformed requests, unknown ids and the wrong kind of token with protocol errors", async () => {
    const { wa, credentials, provider } = await startInterop();
    const alice = await optedIn(wa, "Alice", { discoverable: true });
    await publish(provider, "carol", "Carol");
    const chat = await provider.createChat({ kind: "direct", creator: "carol", members: [{ kind: "native", id: await interopIdOf(provider, alice) }] });
    const token = credentials.token;
    const device = alice.session.token;
    expect(await call(wa, "POST", "/interop/v1/lookup", { token, raw: "{nope" })).toEqual([400, "malformed_json"]);
    expect(await call(wa, "POST", "/interop/v1/lookup", { token, body: { phone: "not a number" } })).toEqual([400, "invalid_argument"]);
    expect(await call(wa, "PUT", "/interop/v1/identities/has%20space", { token, body: { name: "X", network: "matrix", handle: "x" } })).toEqual([400, "invalid_argument"]);
    expect(await call(wa, "PUT", "/interop/v1/identities/dan", { token, body: { name: "", network: "myspace", handle: "x" } })).toEqual([400, "invalid_argument"]);
    expect(await call(wa, "POST", "/interop/v1/chats", { token, body: { kind: "direct", creator: "carol", members: [] } })).toEqual([400, "invalid_argument"]);
    expect(await call(wa, "POST", "/interop/v1/chats", { token, body: { kind: "direct", creator: "carol", members: [{ kind: "third_party", id: "carol" }] } })).toEqual([400, "invalid_argument"]);
    expect(await call(wa, "GET", "/interop/v1/chats/120363000000000000@g.us", { token })).toEqual([404, "chat_not_found"]);
    expect(await call(wa, "GET", "/interop/v1/users/u0000000000000000/devices", { token })).toEqual([404, "user_not_found"]);
    expect(await call(wa, "POST", "/interop/v1/messages", { token, body: { id: "3EB0AAAAAAAAAAAAAAAAAA", chat: chat.id, as: "carol", kind: "message", copies: {} } })).toEqual([409, "device_list_mismatch"]);
    expect(await call(wa, "POST", "/interop/v1/messages", { token, body: { id: "3EB0AAAAAAAAAAAAAAAAAA", chat: chat.id, as: "carol", kind: "edit", reaction_removed: true, copies: {} } })).toEqual([400, "unexpected_field"]);
    expect(await call(wa, "POST", "/interop/v1/receipts", { token, body: { chat: chat.id, as: "carol", up_to: "3EB0AAAAAAAAAAAAAAAAAA" } })).toEqual([404, "message_not_found"]);
    expect(await call(wa, "POST", "/interop/v1/media", { token, body: { kind: "image", data: "@@@@" } })).toEqual([400, "invalid_media"]);
    // A device's token opens no provider route, a provider's no device route, neither the admin API.
    expect(await call(wa, "POST", "/interop/v1/lookup", { token: device, body: { phone: "+15550000000" } })).toEqual([401, "unauthorized"]);
    expect(await call(wa, "GET", "/v1/chats", { token })).toEqual([401, "unauthorized"]);
    expect(await call(wa, "GET", "/admin/interop/providers", { token })).toEqual([401, "unauthorized"]);
    expect(await call(wa, "DELETE", "/admin/interop/providers/p0000000000000000", { token: wa.net.adminToken })).toEqual([404, "provider_not_found"]);
    expect(await call(wa, "POST", "/admin/interop/providers", { token: wa.net.adminToken, body: { name: "x", public_key: "short" } })).toEqual([400, "invalid_argument"]);
    expect(await call(wa, "GET", "/v1/interop/contacts?q=", { token: device })).toEqual([400, "invalid_argument"]);
    expect(await call(wa, "POST", "/v1/interop/chats", { token: device, body: { kind: "direct", third_party: [{ provider: credentials.providerId, id: "nobody" }] } })).toEqual([404, "identity_not_found"]);
    expect(await call(wa, "PUT", "/v1/settings", { token: device, body: {} })).toEqual([400, "invalid_argument"]);
    // Still serving.
    expect((await provider.send(chat.id, "carol", { text: "fine" }, "k")).id).toMatch(/^3EB0/);
  });

  it("answers what a provider's socket does not take with error stanzas, and goes on delivering", async () => {
    const { wa, credentials, provider } = await startInterop({}, { listen: false });
    const alice = await optedIn(wa, "Alice", { discoverable: true });
    const carol = await publish(provider, "carol", "Carol");
    const chat = await provider.createChat({ kind: "direct", creator: "carol", members: [{ kind: "native", id: await interopIdOf(provider, alice) }] });
    const socket = await FrameSocket.open(`${wa.net.url}${REALTIME_PATH}`);
    socket.send({ type: "hello", token: credentials.token });
    await socket.next((f) => f.type === "success");
    const errors: string[] = [];
    socket.onFrame((frame) => {
      if (frame.type === "error") errors.push((frame.error as { text: string }).text);
    });
    socket.sendRaw("{not json");
    socket.send({ type: "message", id: "3EB0AAAAAAAAAAAAAAAAAA", to: "x", kind: "message", copies: {} });
    socket.send({ type: "presence", state: "available" });
    socket.send({ type: "ack", seq: 999 });
    socket.send({ type: "ping", id: "p1" });
    await socket.next((f) => f.type === "pong");
    expect(errors).toEqual(["malformed_frame", "not_for_providers", "not_for_providers", "ack_out_of_range"]);
    const delivered = socket.next((f) => f.type === "message");
    await alice.sendText(carol.jid, "still delivering");
    expect(await delivered).toMatchObject({ chat: chat.id, kind: "message" });
    await socket.close();
  });
});
