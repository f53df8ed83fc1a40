/**
 * The Instagram client library as the shell command, the benchmark and the fuzz test use it:
 * log in (asking for the checkpoint code when one comes), restore a saved session, create
 * accounts and read pending codes through the admin API, and valid example requests and frames.
 */
import { randomBytes, randomInt } from "node:crypto";
import type { FuzzSeeds, UserAgent, UserClientKit } from "../../client/agent.js";
import { SimnetRequestError } from "../../client/http.js";
import { API, ERRORS, LIMITS, REALTIME_PATH } from "../protocol.js";
import { InstagramAdminClient } from "./admin.js";
import { InstagramAgent } from "./agent.js";
import { isInstagramError } from "./errors.js";
import type { SavedInstagramSession } from "./api.js";
import { resumeSession, startLogin } from "./login.js";

/** A username from a full name: "Zoë Example" → "zoe.example_4821". */
export function usernameFromName(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ".")
    .replace(/^\.+|\.+$/g, "")
    .slice(0, 24)
    .replace(/\.+$/, "");
  return `${base || "user"}_${String(randomInt(0, 10_000)).padStart(4, "0")}`;
}

function isSavedSession(value: unknown): value is SavedInstagramSession {
  const v = value as Partial<SavedInstagramSession> | null;
  return (
    typeof v === "object" &&
    v !== null &&
    typeof v.token === "string" &&
    typeof v.userId === "string" &&
    typeof v.username === "string" &&
    typeof v.sessionId === "string" &&
    typeof v.deviceId === "string" &&
    (v.seqId === undefined || typeof v.seqId === "number")
  );
}

const TINY_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

export const instagramKit: UserClientKit = {
  id: "instagram",
  loginHint: "username and password (sometimes a checkpoint code)",
  needsPassword: true,

  async login(baseUrl, credentials, prompt) {
    if (credentials.password === undefined) throw new Error("Instagram logs in with a username and a password");
    const step = await startLogin(baseUrl, { username: credentials.handle.replace(/^@/, ""), password: credentials.password });
    if (step.status === "ok") return new InstagramAgent(step.client);
    const code = await prompt(`Instagram sent a security code to ${step.challenge.contact_point}. Enter the 6-digit code:`);
    return new InstagramAgent(await step.submit(code));
  },

  async restore(baseUrl, saved) {
    if (!isSavedSession(saved)) throw new Error("this is not a saved Instagram session");
    const client = resumeSession(baseUrl, saved);
    await client.currentUser();
    return new InstagramAgent(client, saved.seqId);
  },

  async createAccount(baseUrl, adminToken, spec) {
    const admin = new InstagramAdminClient(baseUrl, adminToken);
    const password = spec.password ?? randomBytes(9).toString("base64url");
    const fullName = [...spec.name].slice(0, LIMITS.fullNameMaxChars).join("");
    try {
      for (let attempt = 0; ; attempt++) {
        const username = spec.handle?.replace(/^@/, "") ?? usernameFromName(spec.name);
        try {
          const account = await admin.createAccount({ username, fullName, password });
          return { id: account.pk, handle: account.username, password };
        } catch (error) {
          // A made-up username may collide; one the caller chose is theirs to change.
          if (!isInstagramError(error, ERRORS.usernameTaken) || spec.handle !== undefined || attempt >= 5) throw error;
        }
      }
    } finally {
      admin.close();
    }
  },

  async pendingCode(baseUrl, adminToken, handle) {
    const admin = new InstagramAdminClient(baseUrl, adminToken);
    try {
      return (await admin.challenges(handle.replace(/^@/, "")))[0]?.code;
    } catch (error) {
      if (error instanceof SimnetRequestError && error.status === 404) return undefined;
      throw error;
    } finally {
      admin.close();
    }
  },

  async fuzzSeeds(agent: UserAgent): Promise<FuzzSeeds> {
    if (!(agent instanceof InstagramAgent)) throw new Error("fuzzSeeds needs an agent made by instagramKit");
    const { client } = agent;
    const inbox = await client.inbox({ limit: 1 });
    const threadId = inbox.inbox.threads[0]?.thread_id ?? "340282366841710300949128000000000000001";
    const itemId = inbox.inbox.threads[0]?.items[0]?.item_id ?? "1700000000000000000";
    const headers = { authorization: `Bearer ${client.http.token}` };
    const D = `${API}/direct_v2`;
    const post = (path: string, body: unknown) => ({ method: "POST", path, body, headers });
    const context = "fuzz-client-context";
    return {
      requests: [
        { method: "GET", path: `${D}/inbox/?limit=5`, headers },
        { method: "GET", path: `${D}/threads/${threadId}/?limit=5&cursor=${itemId}`, headers },
        post(`${D}/threads/broadcast/text/`, { thread_id: threadId, text: "hello https://example.com/a-page", client_context: context, replied_to_item_id: itemId }),
        post(`${D}/threads/broadcast/like/`, { thread_id: threadId, client_context: context }),
        post(`${D}/threads/broadcast/share_voice/`, { thread_id: threadId, upload_id: "m00", duration_ms: 1200, waveform: [0.1, 0.5, 0.9], client_context: context }),
        post(`${D}/threads/broadcast/media_share/`, { thread_id: threadId, media_id: `1_${client.userId}`, client_context: context }),
        post(`${D}/threads/broadcast/reaction/`, { thread_id: threadId, item_id: itemId, reaction_status: "created", emoji: "😂" }),
        post(`${D}/threads/${threadId}/items/${itemId}/edit/`, { text: "edited" }),
        post(`${D}/threads/${threadId}/items/${itemId}/seen/`, {}),
        post(`${D}/threads/${threadId}/activity/`, { activity_status: 1 }),
        post(`${D}/threads/${threadId}/update_title/`, { title: "Fuzz" }),
        post(`${D}/threads/${threadId}/add_user/`, { user_ids: [client.userId] }),
        post(`${D}/threads/get_by_participants/`, { recipient_usernames: [client.username] }),
        post(`${D}/create_group_thread/`, { recipient_users: [client.userId], thread_title: "Fuzz group", client_context: context }),
        post(`${API}/uploads/`, { media_type: "photo", data: TINY_PNG }),
        post(`${API}/accounts/edit_profile/`, { full_name: "Fuzz Name" }),
        post(`${API}/accounts/login/`, { username: client.username, password: "not-the-password", device_id: client.session.deviceId }),
        post(`${API}/challenge/unknown-challenge/`, { security_code: "000000" }),
        { method: "GET", path: `${API}/users/${client.userId}/info/`, headers },
        { method: "GET", path: `${D}/third_party/search/?query=max`, headers },
        post(`${D}/third_party/settings/`, { third_party_chats: true }),
        post(`${D}/third_party/create_thread/`, {
          thread_type: "group",
          thread_title: "Across",
          third_party_users: [{ provider_id: "123456789012345", third_party_id: "mx.max" }],
          recipient_users: [client.userId],
          client_context: context,
        }),
      ],
      realtimeUrl: `${client.baseUrl}${REALTIME_PATH}`,
      openingFrames: [{ type: "connect", token: client.http.token, seq_id: inbox.seq_id }],
      frames: [
        { type: "ack", seq_id: inbox.seq_id },
        { type: "ping" },
        { type: "activity", thread_id: threadId, activity_status: 1 },
        { type: "send_item", kind: "text", thread_id: threadId, client_context: context, text: "hello over the socket", replied_to_item_id: itemId },
        { type: "connect", token: client.http.token, seq_id: inbox.seq_id },
      ],
    };
  },
};
