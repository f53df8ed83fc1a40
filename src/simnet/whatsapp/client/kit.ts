/**
 * The WhatsApp simulation's client kit for the shell, the benchmark and the fuzz test. Logging
 * in from a shell registers the number as the phone (device 0) with an SMS code; linking a
 * companion with a pairing code is done through `requestPairingCode` in the library.
 */
import { randomInt } from "node:crypto";
import type { FuzzSeeds, Prompt, UserAgent, UserClientKit } from "../../client/agent.js";
import { SimnetRequestError } from "../../client/http.js";
import { REALTIME_PATH } from "../protocol.js";
import { WhatsappAdminClient } from "./admin.js";
import { WhatsappAgent } from "./agent.js";
import { newMessageId, WhatsappClient } from "./client.js";
import { generateDeviceKeys } from "./crypto.js";
import { requestSmsCode, verifySmsCode, type WhatsappSession } from "./login.js";

function isSession(value: unknown): value is WhatsappSession {
  const v = value as Partial<WhatsappSession> | undefined;
  return typeof v?.jid === "string" && typeof v.token === "string" && typeof v.privateKey === "string" && typeof v.deviceJid === "string";
}

export const whatsappKit: UserClientKit = {
  id: "whatsapp",
  loginHint: "phone number (E.164, e.g. +15551234567); registers this shell as the phone with the SMS code",
  needsPassword: false,

  async login(baseUrl, credentials, prompt: Prompt): Promise<UserAgent> {
    const { phone } = await requestSmsCode(baseUrl, credentials.handle);
    const code = await prompt(`Enter the 6-digit code sent by SMS to +${phone}: `);
    let session: WhatsappSession;
    try {
      session = await verifySmsCode(baseUrl, phone, code);
    } catch (error) {
      if (!(error instanceof SimnetRequestError) || error.code !== "push_name_required") throw error;
      // A number new to WhatsApp: the code was spent on nothing, so ask for a name and a new code.
      const pushName = await prompt("This number is new to WhatsApp. Your name: ");
      await requestSmsCode(baseUrl, phone);
      session = await verifySmsCode(baseUrl, phone, await prompt(`Enter the new code sent to +${phone}: `), { pushName });
    }
    return new WhatsappAgent(new WhatsappClient(session));
  },

  async restore(baseUrl, saved): Promise<UserAgent> {
    if (!isSession(saved)) throw new Error("not a saved WhatsApp session");
    const client = new WhatsappClient({ ...saved, baseUrl });
    await client.api.me();
    return new WhatsappAgent(client);
  },

  async createAccount(baseUrl, adminToken, spec) {
    const admin = new WhatsappAdminClient(baseUrl, adminToken);
    for (;;) {
      // 555-01xx style numbers are fictional; a random one rarely collides, and then we retry.
      const phone = spec.handle ?? `1555${String(randomInt(0, 10_000_000)).padStart(7, "0")}`;
      try {
        const account = await admin.createAccount({ phone, pushName: spec.name });
        return { id: account.jid, handle: `+${account.phone}` };
      } catch (error) {
        if (spec.handle !== undefined || !(error instanceof SimnetRequestError) || error.code !== "account_exists") throw error;
      }
    }
  },

  async pendingCode(baseUrl, adminToken, handle) {
    return (await new WhatsappAdminClient(baseUrl, adminToken).codes(handle)).sms?.code;
  },

  async fuzzSeeds(agent): Promise<FuzzSeeds> {
    if (!(agent instanceof WhatsappAgent)) throw new Error("fuzzSeeds needs a WhatsApp agent");
    const client = agent.client;
    const auth = { authorization: `Bearer ${client.session.token}` };
    const me = client.jid;
    // A real message to the user's own chat ("message yourself"), for receipts to point at.
    const { id } = await client.sendText(me, "fuzz seed");
    const devices = await client.api.chatDevices(me);
    const copies = Object.fromEntries(devices.map((d) => [d.jid, Buffer.alloc(48, 7).toString("base64")]));
    const envelope = { id: newMessageId(), to: me, kind: "message", copies };
    return {
      requests: [
        { method: "POST", path: "/v1/messages", body: envelope, headers: auth },
        { method: "POST", path: "/v1/receipts", body: { chat: me, kind: "read", ids: [id] }, headers: auth },
        { method: "POST", path: "/v1/chatstate", body: { chat: me, state: "composing" }, headers: auth },
        { method: "POST", path: "/v1/presence", body: { state: "available" }, headers: auth },
        { method: "GET", path: `/v1/chats/${encodeURIComponent(me)}/messages?limit=5`, headers: auth },
        { method: "GET", path: `/v1/devices?jids=${encodeURIComponent(me)}`, headers: auth },
        { method: "POST", path: "/v1/media", body: { kind: "image", data: Buffer.alloc(64, 1).toString("base64") }, headers: auth },
        { method: "POST", path: "/v1/groups", body: { subject: "Fuzz", participants: [me] }, headers: auth },
        { method: "PUT", path: "/v1/settings", body: { third_party_chats: true, discoverable_by_phone: false }, headers: auth },
        { method: "GET", path: "/v1/interop/contacts?q=carol", headers: auth },
        { method: "POST", path: "/v1/contacts/lookup", body: { phones: [me.split("@")[0]] }, headers: auth },
        { method: "POST", path: "/v1/register/code", body: { phone: "+15550000000" } },
        { method: "POST", path: "/v1/pair/code", body: { phone: me.split("@")[0], public_key: generateDeviceKeys().publicKey, device_name: "Fuzz" } },
      ],
      realtimeUrl: `${client.session.baseUrl}${REALTIME_PATH}`,
      openingFrames: [{ type: "hello", token: client.session.token }],
      frames: [
        { type: "ack", seq: 0 },
        { type: "message", id: newMessageId(), to: me, kind: "message", copies },
        { type: "receipt", chat: me, kind: "delivered", ids: [id] },
        { type: "chatstate", chat: me, state: "composing" },
        { type: "presence", state: "available" },
        { type: "presence_subscribe", jid: me },
        { type: "ping", id: "p1" },
      ],
    };
  },
};
