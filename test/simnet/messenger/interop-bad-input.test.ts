/** Bad input to the interoperability API gets a 4xx in Messenger's error format, never a crash. */
import { afterEach, describe, expect, it } from "@jest/globals";
import { call, RawStream, useMessenger } from "./harness.js";
import { closeProviders, connectProvider, native, optedIn, publishPeople } from "./interop-harness.js";

const start = useMessenger();
afterEach(closeProviders);

describe("messenger third-party chats: bad input", () => {
  it("refuses malformed provider requests with a code naming what was wrong, and goes on serving", async () => {
    const world = await start();
    const { provider, credentials } = await connectProvider(world);
    await publishPeople(provider);
    const alice = await optedIn(world, "Alice");
    const chat = await provider.createChat({ kind: "direct", creator: "ig:bob", members: [native(alice.user.account.id)] });
    const { id: sent } = await provider.send(chat.id, "ig:bob", { text: "first" }, "k-first");
    const token = credentials.token;
    const chatPath = `/v1/interop/identities/ig%3Abob/chats/${encodeURIComponent(chat.id)}`;
    const cases: [string, string, { token?: string; raw?: string; body?: unknown }, number, string][] = [
      ["GET", "/v1/interop/users?handle=x", {}, 401, "unauthorized"],
      ["GET", "/v1/interop/users?handle=x", { token: "forged" }, 401, "unauthorized"],
      ["GET", "/v1/interop/users", { token }, 400, "invalid_argument"],
      ["GET", `/v1/interop/users?handle=${"a".repeat(400)}`, { token }, 400, "invalid_argument"],
      ["PUT", "/v1/interop/identities/ok", { token, body: { name: "", network: "icq", handle: 5 } }, 400, "invalid_argument"],
      ["PUT", `/v1/interop/identities/${"x".repeat(200)}`, { token, body: { name: "X", network: "matrix", handle: "x" } }, 400, "invalid_argument"],
      ["POST", "/v1/interop/identities/ig%3Abob/chats", { token, raw: "{nope" }, 400, "malformed_json"],
      ["POST", "/v1/interop/identities/ig%3Abob/chats", { token, body: { kind: "circle", members: [{ kind: "alien", id: 1 }] } }, 400, "invalid_argument"],
      ["POST", "/v1/interop/identities/ig%3Abob/chats/nowhere/messages", { token, body: { key: "k", text: "hi" } }, 404, "thread_not_found"],
      ["POST", `${chatPath}/messages`, { token, body: { text: "no key" } }, 400, "invalid_argument"],
      ["POST", `${chatPath}/messages`, { token, body: { key: "k".repeat(200), text: "hi" } }, 400, "invalid_argument"],
      ["POST", `${chatPath}/messages`, { token, body: { key: "k", sticker_id: "369239263222822", text: "hi", attachment_ids: ["att.nothing"] } }, 404, "attachment_not_found"],
      ["PATCH", `${chatPath}/messages/mid.$unknown`, { token, body: { text: "x" } }, 404, "message_not_found"],
      ["PUT", `${chatPath}/messages/${encodeURIComponent(sent)}/reaction`, { token, body: { emoji: ["👍"] } }, 400, "invalid_argument"],
      ["POST", `${chatPath}/participants`, { token, body: { participants: [] } }, 400, "invalid_argument"],
      ["POST", `${chatPath}/read`, { token, body: {} }, 400, "invalid_argument"],
      ["POST", "/v1/interop/identities/ig%3Abob/attachments", { token, body: { kind: "image", mime: "image/png", data: "not base64!" } }, 400, "invalid_media"],
      ["GET", "/v1/interop/attachments/att.unknown", { token }, 404, "attachment_not_found"],
      ["POST", "/v1/third_party/threads", { token: (await world.login(alice.user)).accessToken, body: { kind: "direct", third_party: [] } }, 400, "invalid_argument"],
      ["POST", "/admin/interop/providers", { token: world.net.adminToken, body: { name: "" } }, 400, "invalid_argument"],
      ["DELETE", "/admin/interop/providers/123", { token: world.net.adminToken }, 404, "provider_not_found"],
    ];
    for (const [method, path, options, status, code] of cases) {
      // The request rides along, so a failure names it.
      expect({ request: `${method} ${path}`, ...(await call(world, method, path, options)) }).toMatchObject({ request: `${method} ${path}`, status, error: { code } });
    }

    const socket = await RawStream.open(world.url, { provider_token: 42 });
    expect(await socket.next((f) => f.type === "error")).toMatchObject({ code: "invalid_argument" });
    socket.close();
    await provider.send(chat.id, "ig:bob", { text: "still serving" }, "k-ok");
    expect((await alice.deltas.next("new_message", (d) => d.message.text === "still serving")).actor_third_party?.identity_id).toBe("ig:bob");
  });
});
