/**
 * Logging in, step by step, as the two kinds of device do it. The phone registers its number
 * with an SMS code. A companion (the bridge, a desktop) asks for a pairing code, shows it to the
 * person, who types it on the phone; the companion waits until the phone approves. Each step
 * is its own call so a UI (or a test) can sit between them.
 */
import { SimnetRequestError } from "../../client/http.js";
import { normalizePhone } from "../protocol.js";
import { WhatsappApi } from "./api.js";
import { exportPrivateKey, generateDeviceKeys, type DeviceKeys } from "./crypto.js";

/** Everything needed to act as one device later: keep it secret, it holds the private key. */
export interface WhatsappSession {
  baseUrl: string;
  jid: string;
  deviceJid: string;
  device: number;
  token: string;
  /** base64 PKCS#8 X25519 private key. */
  privateKey: string;
}

function phoneOrThrow(input: string): string {
  const phone = normalizePhone(input);
  if (phone === undefined) throw new SimnetRequestError(400, "invalid_phone", `'${input}' is not an E.164 phone number`, undefined);
  return phone;
}

/** Step 1 for the phone: the server "sends" a 6-digit code (readable through the admin API). */
export async function requestSmsCode(baseUrl: string, phoneNumber: string): Promise<{ phone: string; expiresAt: number }> {
  const answer = await new WhatsappApi(baseUrl).http.request<{ phone: string; expires_at: number }>("POST", "/v1/register/code", { phone: phoneOrThrow(phoneNumber), method: "sms" });
  return { phone: answer.phone, expiresAt: answer.expires_at };
}

/** Step 2 for the phone: the code and this device's public key make it device 0. */
export async function verifySmsCode(
  baseUrl: string,
  phoneNumber: string,
  code: string,
  options: { pushName?: string; keys?: DeviceKeys } = {},
): Promise<WhatsappSession> {
  const keys = options.keys ?? generateDeviceKeys();
  const answer = await new WhatsappApi(baseUrl).http.request<{ jid: string; device_jid: string; device: number; token: string }>("POST", "/v1/register/verify", {
    phone: phoneOrThrow(phoneNumber),
    code: code.trim(),
    public_key: keys.publicKey,
    ...(options.pushName !== undefined ? { push_name: options.pushName } : {}),
  });
  return { baseUrl, jid: answer.jid, deviceJid: answer.device_jid, device: answer.device, token: answer.token, privateKey: exportPrivateKey(keys) };
}

export interface PendingPairing {
  /** The 8 characters to type on the phone. */
  code: string;
  /** The same, as WhatsApp shows it: `ABCD-EFGH`. */
  display: string;
  expiresAt: number;
  /** Resolves once the phone approves; rejects with `pairing_rejected` or `pairing_code_expired`. */
  wait(options?: { signal?: AbortSignal }): Promise<WhatsappSession>;
}

interface PairState {
  status: "pending" | "linked";
  jid?: string;
  device_jid?: string;
  device?: number;
  token?: string;
}

/** A companion's step 1: ask for a pairing code for the phone number, presenting its key and name. */
export async function requestPairingCode(baseUrl: string, phoneNumber: string, deviceName: string, keys: DeviceKeys = generateDeviceKeys()): Promise<PendingPairing> {
  const api = new WhatsappApi(baseUrl);
  const answer = await api.http.request<{ ref: string; code: string; display: string; expires_at: number }>("POST", "/v1/pair/code", {
    phone: phoneOrThrow(phoneNumber),
    public_key: keys.publicKey,
    device_name: deviceName,
  });
  return {
    code: answer.code,
    display: answer.display,
    expiresAt: answer.expires_at,
    async wait(options = {}) {
      // Long polls, each held by the server until the phone answers or ~25 s pass.
      for (;;) {
        options.signal?.throwIfAborted();
        const state = await api.http.request<PairState>("GET", `/v1/pair/${encodeURIComponent(answer.ref)}?wait_ms=25000`);
        if (state.status === "linked" && state.token && state.jid && state.device_jid && state.device !== undefined) {
          return { baseUrl, jid: state.jid, deviceJid: state.device_jid, device: state.device, token: state.token, privateKey: exportPrivateKey(keys) };
        }
      }
    },
  };
}
