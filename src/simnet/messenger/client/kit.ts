/** What the shell command, the benchmark and the fuzz test need from the Messenger client library. */
import { randomBytes } from "node:crypto";
import type { FuzzSeeds, UserClientKit } from "../../client/agent.js";
import { LIMITS, REALTIME_PATH } from "../protocol.js";
import { MessengerAdminClient } from "./admin.js";
import { MessengerAgent } from "./agent.js";
import { MessengerClient, type SavedSession } from "./client.js";

function isSavedSession(value: unknown): value is SavedSession {
  const v = value as Partial<SavedSession> | null;
  return (
    typeof v === "object" &&
    v !== null &&
    typeof v.accessToken === "string" &&
    typeof v.sessionId === "string" &&
    typeof v.accountId === "string" &&
    (v.lastSeq === undefined || typeof v.lastSeq === "number")
  );
}

function madeUpEmail(name: string): string {
  const local = name.toLowerCase().replace(/[^a-z0-9]+/g, ".").replace(/^\.|\.$/g, "") || "user";
  return `${local}.${randomBytes(3).toString("hex")}@example.com`;
}

async function withAdmin<T>(baseUrl: string, adminToken: string, work: (admin: MessengerAdminClient) => Promise<T>): Promise<T> {
  const admin = new MessengerAdminClient(baseUrl, adminToken);
  try {
    return await work(admin);
  } finally {
    admin.close();
  }
}

export const messengerKit: UserClientKit = {
  id: "messenger",
  loginHint: `email and password (and the ${LIMITS.twoFactorCodeDigits}-digit login code if two-factor authentication is on)`,
  needsPassword: true,

  async login(baseUrl, credentials, prompt) {
    if (credentials.password === undefined) throw new Error("Messenger logs in with an email and a password");
    const client = await MessengerClient.login(baseUrl, { email: credentials.handle, password: credentials.password, deviceName: "crosschat simnet" }, () =>
      prompt(`Two-factor authentication is on: enter the ${LIMITS.twoFactorCodeDigits}-digit login code:`),
    );
    return new MessengerAgent(client);
  },

  async restore(baseUrl, saved) {
    if (!isSavedSession(saved)) throw new Error("this is not a saved Messenger session");
    return new MessengerAgent(new MessengerClient(baseUrl, saved));
  },

  async createAccount(baseUrl, adminToken, spec) {
    const email = spec.handle ?? madeUpEmail(spec.name);
    const password = spec.password ?? randomBytes(9).toString("base64url");
    const account = await withAdmin(baseUrl, adminToken, (admin) => admin.createAccount({ name: spec.name, email, password }));
    return { id: account.id, handle: account.email, password };
  },

  async pendingCode(baseUrl, adminToken, handle) {
    const codes = await withAdmin(baseUrl, adminToken, (admin) => admin.pendingCodes(/^[0-9]+$/.test(handle) ? { accountId: handle } : { email: handle }));
    return codes[0]?.code;
  },

  async fuzzSeeds(agent): Promise<FuzzSeeds> {
    if (!(agent instanceof MessengerAgent)) throw new Error("fuzzSeeds needs an agent of the Messenger kit");
    const { client } = agent;
    const auth = { authorization: `Bearer ${client.accessToken}` };
    const other = (await agent.chats()).find((chat) => chat.kind === "direct")?.id ?? client.accountId;
    const sent = other === client.accountId ? undefined : await client.api.send(other, { text: "fuzz seed" });
    const messageId = sent?.message_id ?? "mid.$unknown";
    const thread = encodeURIComponent(other);
    const message = encodeURIComponent(messageId);
    return {
      requests: [
        { method: "POST", path: "/v1/auth/login", body: { email: "someone@example.com", password: "secret", device_name: "fuzz" } },
        { method: "POST", path: "/v1/auth/login/two_factor", body: { login_token: "token", code: "123456" } },
        { method: "GET", path: "/v1/threads?limit=5", headers: auth },
        { method: "POST", path: "/v1/threads", body: { participant_ids: [other] }, headers: auth },
        { method: "GET", path: `/v1/threads/${thread}/messages?limit=5`, headers: auth },
        {
          method: "POST",
          path: `/v1/threads/${thread}/messages`,
          body: { offline_threading_id: client.api.offlineThreadingId(), text: "hello @you", mentions: [{ offset: 6, length: 4, user_id: other }], reply_to: messageId },
          headers: auth,
        },
        { method: "POST", path: `/v1/threads/${thread}/messages`, body: { offline_threading_id: client.api.offlineThreadingId(), sticker_id: "369239263222822" }, headers: auth },
        { method: "PATCH", path: `/v1/messages/${message}`, body: { text: "edited" }, headers: auth },
        { method: "PUT", path: `/v1/messages/${message}/reaction`, body: { emoji: "👍" }, headers: auth },
        { method: "POST", path: `/v1/threads/${thread}/read`, body: { message_id: messageId }, headers: auth },
        { method: "POST", path: `/v1/threads/${thread}/typing`, body: { typing: true }, headers: auth },
        { method: "POST", path: "/v1/attachments", body: { kind: "image", mime: "image/png", filename: "a.png", data: "iVBORw0KGgo=" }, headers: auth },
        { method: "GET", path: "/v1/sync/snapshot?messages_per_thread=1", headers: auth },
        { method: "GET", path: "/v1/sessions", headers: auth },
        { method: "POST", path: "/v1/me/third_party_chats", body: { enabled: true }, headers: auth },
        { method: "GET", path: "/v1/third_party/contacts?q=bob", headers: auth },
      ],
      realtimeUrl: `${client.baseUrl.replace(/\/+$/, "")}${REALTIME_PATH}`,
      openingFrames: [{ type: "connect", access_token: client.accessToken }],
      frames: [
        { type: "ack", seq: 0 },
        { type: "ping", id: "p1" },
        { type: "connect", access_token: client.accessToken, last_seq: 0 },
        { type: "connect", provider_token: "not-a-provider-token", last_seq: 0 },
      ],
    };
  },
};
