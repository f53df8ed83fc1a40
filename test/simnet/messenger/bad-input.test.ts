/** Bad input gets a protocol error in Messenger's error format, never a crash. */
import { describe, expect, it } from "@jest/globals";
import { call, useMessenger, RawStream } from "./harness.js";

const start = useMessenger();

describe("messenger bad input", () => {
  it("answers in the Graph-like error format with a stable code, a type and a trace id", async () => {
    const world = await start();
    const { status, error } = await call(world, "GET", "/v1/me");
    expect(status).toBe(401);
    expect(error).toMatchObject({ code: "unauthorized", type: "OAuthException", status: 401 });
    expect(error?.fbtrace_id).toMatch(/^[\w-]+$/);
  });

  it("refuses malformed JSON, wrong types, unknown routes, wrong tokens and oversize bodies", async () => {
    const world = await start();
    const alice = await world.login(await world.user("Alice"));
    const bob = await world.user("Bob");
    const token = alice.accessToken;
    const path = `/v1/threads/${bob.account.id}/messages`;
    expect(await call(world, "POST", path, { token, raw: "{not json" })).toMatchObject({ status: 400, error: { code: "malformed_json" } });
    const wrongTypes = await call(world, "POST", path, { token, body: { offline_threading_id: 7, text: ["no"] } });
    expect(wrongTypes).toMatchObject({ status: 400, error: { code: "invalid_argument" } });
    expect(wrongTypes.error?.problems?.join(" ")).toMatch(/offline_threading_id.*text/);
    expect(await call(world, "POST", path, { token, body: [] })).toMatchObject({ status: 400, error: { code: "invalid_argument" } });
    expect(await call(world, "GET", "/v1/nowhere", { token })).toMatchObject({ status: 404, error: { code: "unknown_endpoint" } });
    expect(await call(world, "GET", path, { token: "forged" })).toMatchObject({ status: 401, error: { code: "unauthorized" } });
    expect(await call(world, "GET", "/admin/accounts", { token })).toMatchObject({ status: 401 });
    expect(await call(world, "GET", "/v1/threads/%E0%A4%A/messages", { token })).toMatchObject({ status: 400 });
    expect(await call(world, "GET", "/v1/threads?limit=1000", { token })).toMatchObject({ status: 400, error: { code: "invalid_argument" } });
    expect(await call(world, "GET", "/v1/threads?cursor=garbage", { token })).toMatchObject({ status: 400, error: { code: "invalid_argument" } });
    expect(await call(world, "GET", `/v1/threads/${bob.account.id}/messages?before=mid.$none`, { token })).toMatchObject({ status: 404 });
    const huge = JSON.stringify({ offline_threading_id: "1", text: "x".repeat(36 * 1024 * 1024) });
    expect((await call(world, "POST", path, { token, raw: huge })).status).toBe(413);
    expect((await alice.api.send(bob.account.id, { text: "still serving" })).message_id).toMatch(/^mid\./);
  });

  it("refuses bad admin input: duplicate emails, invalid emails, avatars that are not base64", async () => {
    const world = await start();
    const alice = await world.user("Alice");
    const admin = { token: world.net.adminToken };
    expect(await call(world, "POST", "/admin/accounts", { ...admin, body: { name: "A", email: alice.email, password: "p" } })).toMatchObject({
      status: 409,
      error: { code: "email_taken" },
    });
    expect(await call(world, "POST", "/admin/accounts", { ...admin, body: { name: "A", email: "nope", password: "p" } })).toMatchObject({ status: 400 });
    expect(
      await call(world, "POST", "/admin/accounts", { ...admin, body: { name: "A", email: "a@x.org", password: "p", avatar: { mime: "image/png", data: "!!" } } }),
    ).toMatchObject({ status: 400, error: { code: "invalid_media" } });
    expect(await call(world, "GET", "/admin/accounts/12", admin)).toMatchObject({ status: 404, error: { code: "user_not_found" } });
    expect(await call(world, "GET", "/admin/threads/nothing/messages", admin)).toMatchObject({ status: 404, error: { code: "thread_not_found" } });
  });

  it("stores an avatar given at account creation as an image attachment others can download", async () => {
    const world = await start();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const account = await world.admin.createAccount({ name: "Ava", email: "ava@example.com", password: "pw", avatar: { mime: "image/png", data: png } });
    const viewer = await world.login(await world.user("Viewer"));
    const profile = await viewer.api.user(account.id);
    expect(profile.avatar_attachment_id).toBe(account.avatar_attachment_id);
    expect((await viewer.api.download(profile.avatar_attachment_id!)).data.equals(png)).toBe(true);
    expect((await viewer.api.userByEmail("AVA@example.com")).id).toBe(account.id);
  });

  it("answers malformed, binary, unknown and premature realtime frames with error frames, and keeps serving", async () => {
    const world = await start();
    const alice = await world.login(await world.user("Alice"));
    const socket = await RawStream.open(world.url);
    try {
      socket.socket.sendRaw("{oops");
      socket.socket.sendRaw(Buffer.from([1, 2, 3]));
      socket.send({ type: "ack", seq: 1 });
      socket.send({ type: "teleport" });
      socket.send({ type: "connect", access_token: 42 });
      socket.send({ type: "connect", access_token: alice.accessToken, last_seq: -3 });
      socket.send({ type: "connect", access_token: alice.accessToken });
      await socket.next((f) => f.type === "connected");
      socket.send({ type: "connect", access_token: alice.accessToken });
      socket.send({ type: "ack", seq: "one" });
      socket.send({ type: "ping" });
      await socket.next((f) => f.type === "pong");
      const codes = socket.frames.filter((f) => f.type === "error").map((f) => f.code);
      expect(codes).toEqual(["malformed_frame", "binary_frame", "not_connected", "unknown_frame", "invalid_argument", "invalid_argument", "already_connected", "invalid_argument"]);
    } finally {
      socket.close();
    }
    const bad = await RawStream.open(world.url, { access_token: "forged" });
    expect(await bad.next((f) => f.type === "error")).toMatchObject({ code: "unauthorized" });
    expect((await bad.closed()).code).toBe(4001);
    const stream = alice.realtime();
    await stream.start();
    expect(stream.isConnected).toBe(true);
  });
});
