/**
 * Providers of Instagram's interoperability API as the admin and the network see them:
 * registered through the admin API with a token shown once, refused without a valid provider
 * token, cut off at once when revoked, listed with their identities and third-party chats, kept
 * across a restart, and never answered with a server error whatever they send.
 */
import { describe, expect, it } from "@jest/globals";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FrameSocket } from "../../../src/simnet/client/socket.js";
import { openSimnetDatabase } from "../../../src/simnet/core/database.js";
import { eventStreamSchema } from "../../../src/simnet/core/event-stream.js";
import { startNetworkServer } from "../../../src/simnet/core/server.js";
import { InstagramAdminClient } from "../../../src/simnet/instagram/client/admin.js";
import { instagramSchema } from "../../../src/simnet/instagram/schema.js";
import { instagramInteropKit } from "../../../src/simnet/instagram/client/interop.js";
import { INTEROP_API, REALTIME_PATH } from "../../../src/simnet/instagram/protocol.js";
import { mutateJson, mutatePath, pick, seededRandom } from "../support/mutations.js";
import { Harness, testNetwork } from "./harness.js";
import { connectProvider, directScene, identity, native, optedIn, reconnect } from "./interop-harness.js";

const I = INTEROP_API;

async function call(h: Harness, method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${h.url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

describe("instagram interoperability providers", () => {
  it("are registered through the admin API, with a token shown only in the answer", async () => {
    const h = await Harness.start();
    const registered = await h.admin.registerProvider("crosschat");
    expect(registered).toMatchObject({ provider_id: expect.stringMatching(/^\d{15}$/), name: "crosschat", revoked_at: null, token: expect.stringMatching(/^IGI:1:/) });
    expect(await h.admin.providers()).toEqual([{ provider_id: registered.provider_id, name: "crosschat", created_at: registered.created_at, revoked_at: null }]);
    await expect(h.admin.registerProvider(" ")).rejects.toMatchObject({ code: "invalid_name" });
    const kit = await instagramInteropKit.registerProvider(h.url, h.net.adminToken, "second");
    expect(kit).toEqual({ providerId: expect.stringMatching(/^\d{15}$/), token: expect.stringMatching(/^IGI:1:/) });
  });

  it("refuse the provider API to anyone without a provider token: no token, a user's token or a made-up one get login_required", async () => {
    const h = await Harness.start();
    const alice = await optedIn(h, "alice");
    for (const token of [undefined, alice.http.token, "IGI:1:made-up", "nonsense"]) {
      const answer = await call(h, "GET", `${I}/users/alice/`, token);
      expect(answer).toEqual({ status: 401, body: expect.objectContaining({ message: "login_required", error_type: "login_required" }) });
    }
    const { credentials } = await connectProvider(h);
    expect((await call(h, "GET", `${I}/users/alice/`, credentials.token)).status).toBe(200);
    // Nor does a provider's token open a user's API.
    expect((await call(h, "GET", `${I.replace("/interop", "")}/direct_v2/inbox/`, credentials.token)).status).toBe(401);
  });

  it("once revoked, stop working at once: calls are refused and the realtime connection is closed", async () => {
    const h = await Harness.start();
    const { p, chat } = await directScene(h);
    const socket = await FrameSocket.open(`${h.url}${REALTIME_PATH}`);
    const closed = new Promise<number>((resolve) => socket.onClose((code) => resolve(code)));
    const connected = socket.next((f) => f.type === "connected");
    socket.send({ type: "connect", token: p.credentials.token });
    await connected;
    const revoked = await h.admin.revokeProvider(p.credentials.providerId);
    expect(revoked.revoked_at).toEqual(expect.any(Number));
    expect(await closed).toBe(4401);
    await expect(p.api.send(chat.id, "ms.ivy", { text: "hi" }, "k")).rejects.toMatchObject({ status: 401, code: "login_required" });
    await expect(instagramInteropKit.connect(h.url, p.credentials)).rejects.toMatchObject({ code: "login_required" });
    await expect(h.admin.revokeProvider("123")).rejects.toMatchObject({ status: 404, code: "provider_not_found" });
  });

  it("are listed by the admin API with their identities, third-party chats and the chats' stored items", async () => {
    const h = await Harness.start();
    const { p, alice, chat } = await directScene(h);
    await p.api.send(chat.id, "ms.ivy", { text: "stored" }, "k1");
    await alice.sendText(chat.id, "me too");
    const [ivy] = await h.admin.identities(p.credentials.providerId);
    expect(ivy).toEqual({ third_party_id: "ms.ivy", name: "Ivy Example", network: "messenger", handle: "ivy.example", pk: expect.stringMatching(/^17849\d{12}$/), removed: false });
    expect(await h.admin.thirdPartyThreads()).toEqual([
      expect.objectContaining({ thread_id: chat.id, provider_id: p.credentials.providerId, participants: expect.arrayContaining([{ user_id: alice.userId }, { third_party_id: "ms.ivy" }]) }),
    ]);
    expect(await h.admin.thirdPartyThreads("1")).toEqual([]);
    const items = await h.admin.items(chat.id);
    expect(items.map((i) => [i.user_id, i.text])).toEqual([
      [ivy!.pk, "stored"],
      [alice.userId, "me too"],
    ]);
    // The admin may turn a user's setting off as the user would.
    expect(await h.admin.setThirdPartyChats("alice", false)).toEqual({ pk: alice.userId, third_party_chats: false });
    await p.until("opt_out");
  });

  it("keep their identities, users' settings and third-party chats across a restart", async () => {
    const h = await Harness.start();
    const { p, alice, chat } = await directScene(h);
    await p.api.close();
    await h.net.restart();
    const back = await reconnect(h, p.credentials);
    await back.listen();
    expect(await back.api.lookup("alice")).toMatchObject({ id: alice.userId });
    expect(await alice.thirdPartyChats()).toBe(true);
    const again = await back.api.createChat({ kind: "direct", creator: "ms.ivy", members: [native(alice.userId)] });
    expect(again.id).toBe(chat.id);
    await back.api.send(chat.id, "ms.ivy", { text: "after the restart" }, "k-restart");
    expect((await alice.thread(chat.id)).items[0]).toMatchObject({ text: "after the restart", third_party_sender: { id: "ms.ivy" } });
    expect(await back.until("message")).toMatchObject({ sender: identity("ms.ivy") });
  });

  it("come to a database made before the interoperability API, which keeps its accounts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "simnet-instagram-old-"));
    const path = join(dir, "instagram.db");
    const old = openSimnetDatabase(path, [eventStreamSchema, ...instagramSchema.slice(0, -1)]);
    old.prepare("INSERT INTO accounts (pk, username, full_name, password_hash, created_at) VALUES ('17841400000000001', 'alice', 'Alice', 'x', 0)").run();
    old.close();
    const server = await startNetworkServer(testNetwork(), { databasePath: path, adminToken: "admin" });
    const admin = new InstagramAdminClient(server.url, "admin");
    try {
      expect(await admin.account("alice")).toMatchObject({ pk: "17841400000000001", full_name: "Alice" });
      expect((await admin.registerProvider("crosschat")).token).toMatch(/^IGI:1:/);
      expect(await admin.setThirdPartyChats("alice", true)).toEqual({ pk: "17841400000000001", third_party_chats: true });
    } finally {
      admin.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("are answered with a 4xx, never a server error, whatever malformed request they send", async () => {
    const h = await Harness.start();
    const { p, alice, chat } = await directScene(h);
    const sent = await p.api.send(chat.id, "ms.ivy", { text: "seed" }, "seed");
    const token = p.credentials.token;
    const T = `${I}/threads/${chat.id}`;
    const seeds: { method: string; path: string; body?: unknown }[] = [
      { method: "GET", path: `${I}/users/alice/` },
      { method: "POST", path: `${I}/identities/`, body: { third_party_id: "mx.x", name: "X", network: "matrix", handle: "x" } },
      { method: "POST", path: `${I}/identities/mx.x/remove/`, body: {} },
      { method: "POST", path: `${I}/threads/`, body: { thread_type: "group", thread_title: "T", creator: "ms.ivy", participants: [{ user_id: alice.userId }, { third_party_id: "ms.ivy" }] } },
      { method: "POST", path: `${T}/add_participants/`, body: { as: "ms.ivy", participants: [{ user_id: alice.userId }] } },
      { method: "POST", path: `${T}/remove_participants/`, body: { as: "ms.ivy", participants: [{ third_party_id: "mx.x" }] } },
      { method: "POST", path: `${I}/threads/broadcast/text/`, body: { as: "ms.ivy", thread_id: chat.id, client_context: "c1", text: "hi", replied_to_item_id: sent.id } },
      { method: "POST", path: `${I}/threads/broadcast/share_voice/`, body: { as: "ms.ivy", thread_id: chat.id, client_context: "c2", upload_id: "m00", duration_ms: 100, waveform: [0.5] } },
      { method: "POST", path: `${I}/threads/broadcast/reaction/`, body: { as: "ms.ivy", thread_id: chat.id, item_id: sent.id, reaction_status: "created", emoji: "👍" } },
      { method: "POST", path: `${T}/items/${sent.id}/edit/`, body: { as: "ms.ivy", text: "edited" } },
      { method: "POST", path: `${T}/items/${sent.id}/seen/`, body: { as: "ms.ivy" } },
      { method: "POST", path: `${T}/activity/`, body: { as: "ms.ivy", activity_status: 1 } },
      { method: "POST", path: `${I}/uploads/`, body: { as: "ms.ivy", media_type: "photo", data: "iVBORw0KGgo=" } },
      { method: "GET", path: `${I}/uploads/m00/` },
    ];
    const random = seededRandom(6);
    const failures: string[] = [];
    for (let i = 0; i < 600; i++) {
      const seed = pick(random, seeds);
      const roll = random();
      const path = roll < 0.2 ? mutatePath(random, seed.path) : seed.path;
      const body = seed.method === "GET" ? undefined : roll < 0.9 ? mutateJson(random, seed.body ?? {}) : "{not json";
      const answer = await call(h, seed.method, path, token, body);
      if (answer.status >= 500) failures.push(`${answer.status} ${seed.method} ${path.slice(0, 80)} ${JSON.stringify(body).slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
    // And the API still serves.
    await p.api.send(chat.id, "ms.ivy", { text: "still fine" }, "after-fuzz");
  });
});
