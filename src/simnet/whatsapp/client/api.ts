/**
 * The REST half of the WhatsApp protocol, one typed method per route. It knows nothing of
 * encryption: envelopes arrive here already sealed (see client.ts).
 */
import { SimnetHttpClient, SimnetRequestError, type ErrorReader } from "../../client/http.js";
import type {
  AccountInfo,
  ChatSummary,
  DeviceInfo,
  GroupInfo,
  HistoryEntry,
  MediaKind,
  OutgoingEnvelope,
  PresenceStanza,
  ReceiptKind,
  SendAck,
  ChatState,
} from "../protocol.js";

import type { IdentityInfo, InteropSettings } from "../interop-protocol.js";

export type { HistoryEntry } from "../protocol.js";

export const readWhatsappError: ErrorReader = (body) => {
  const error = (body as { error?: { text?: unknown; message?: unknown } } | undefined)?.error;
  if (error && typeof error.text === "string") return { code: error.text, message: typeof error.message === "string" ? error.message : error.text };
  return { code: "unknown_error", message: typeof body === "string" && body ? body : "the server refused the request" };
};

export interface LinkedDevice extends DeviceInfo {
  name: string;
  linked_at: number;
}

export interface ParticipantResult {
  jid: string;
  status: number;
  text?: string;
}

const enc = encodeURIComponent;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How a client rides out a server's bad moment (500, 503, short 429s) on requests safe to repeat. */
export interface RetryPolicy {
  attempts: number;
  /** A Retry-After longer than this is the caller's to handle (a real rate limit, not a blip). */
  maxWaitMs: number;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 3, maxWaitMs: 5_000 };

/**
 * A request that may be repeated safely (reads, and sends keyed by their message id): retried
 * after a 500 or 503, and after a 429 whose Retry-After is short.
 */
export async function retrying<T>(http: SimnetHttpClient, method: string, path: string, body?: unknown, retry: RetryPolicy = DEFAULT_RETRY): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await http.request<T>(method, path, body);
    } catch (error) {
      if (!(error instanceof SimnetRequestError) || attempt >= retry.attempts || ![429, 500, 503].includes(error.status)) throw error;
      const waitMs = error.retryAfter !== undefined ? error.retryAfter * 1000 : 100 * 2 ** attempt;
      if (waitMs > retry.maxWaitMs) throw error;
      await sleep(waitMs);
    }
  }
}

export class WhatsappApi {
  readonly http: SimnetHttpClient;

  constructor(
    baseUrl: string,
    token?: string,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {
    this.http = new SimnetHttpClient({ baseUrl, ...(token ? { token } : {}), readError: readWhatsappError });
  }

  private idempotent<T>(method: string, path: string, body?: unknown): Promise<T> {
    return retrying(this.http, method, path, body, this.retry);
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  me(): Promise<{ account: AccountInfo; device: DeviceInfo; devices: LinkedDevice[] }> {
    return this.idempotent("GET", "/v1/me");
  }

  async devices(jids: string[]): Promise<Record<string, DeviceInfo[]>> {
    return (await this.idempotent<{ devices: Record<string, DeviceInfo[]> }>("GET", `/v1/devices?jids=${enc(jids.join(","))}`)).devices;
  }

  async unlinkDevice(device: number | string): Promise<void> {
    await this.http.request("DELETE", `/v1/devices/${enc(String(device))}`);
  }

  async logout(): Promise<void> {
    await this.http.request("POST", "/v1/logout", {});
  }

  settings(): Promise<InteropSettings> {
    return this.idempotent("GET", "/v1/settings");
  }

  /** The third-party chats settings; one left out keeps its value. Turning third-party chats off leaves every third-party chat. */
  setSettings(settings: Partial<InteropSettings>): Promise<InteropSettings> {
    return this.idempotent("PUT", "/v1/settings", settings);
  }

  setProfile(profile: { push_name?: string; about?: string }): Promise<AccountInfo> {
    return this.idempotent("PUT", "/v1/profile", profile);
  }

  async lookup(phones: string[]): Promise<{ input: string; exists: boolean; jid?: string; push_name?: string; about?: string }[]> {
    return (await this.http.request<{ results: [] }>("POST", "/v1/contacts/lookup", { phones })).results;
  }

  /** Third-party contacts the providers published, by handle (prefix) or name; for users who turned third-party chats on. */
  async searchThirdParty(query: string): Promise<IdentityInfo[]> {
    return (await this.idempotent<{ results: IdentityInfo[] }>("GET", `/v1/interop/contacts?q=${enc(query)}`)).results;
  }

  /** A direct chat with one third-party contact (found again if it exists), or a group with them and other users. */
  startThirdPartyChat(spec: { kind: "direct" | "group"; subject?: string; third_party: { provider: string; id: string }[]; participants?: string[] }): Promise<ChatSummary> {
    return this.http.request("POST", "/v1/interop/chats", spec);
  }

  async chats(): Promise<ChatSummary[]> {
    return (await this.idempotent<{ chats: ChatSummary[] }>("GET", "/v1/chats")).chats;
  }

  async chatDevices(chat: string): Promise<DeviceInfo[]> {
    return (await this.idempotent<{ devices: DeviceInfo[] }>("GET", `/v1/chats/${enc(chat)}/devices`)).devices;
  }

  history(chat: string, options: { limit?: number; before?: number } = {}): Promise<{ messages: HistoryEntry[]; before: number | null }> {
    const query = new URLSearchParams();
    if (options.limit !== undefined) query.set("limit", String(options.limit));
    if (options.before !== undefined) query.set("before", String(options.before));
    return this.idempotent("GET", `/v1/chats/${enc(chat)}/messages?${query.toString()}`);
  }

  message(chat: string, id: string): Promise<HistoryEntry> {
    return this.idempotent("GET", `/v1/chats/${enc(chat)}/messages/${enc(id)}`);
  }

  send(envelope: OutgoingEnvelope): Promise<SendAck> {
    return this.idempotent("POST", "/v1/messages", envelope);
  }

  async receipt(chat: string, kind: ReceiptKind, ids: string[]): Promise<void> {
    await this.idempotent("POST", "/v1/receipts", { chat, kind, ids });
  }

  async chatState(chat: string, state: ChatState): Promise<void> {
    await this.http.request("POST", "/v1/chatstate", { chat, state });
  }

  presence(state: "available" | "unavailable"): Promise<PresenceStanza> {
    return this.http.request("POST", "/v1/presence", { state });
  }

  upload(kind: MediaKind, data: Buffer): Promise<{ id: string; kind: MediaKind; size: number; enc_sha256: string }> {
    // A repeated upload only stores a second copy of the same ciphertext.
    return this.idempotent("POST", "/v1/media", { kind, data: data.toString("base64") });
  }

  async download(id: string): Promise<Buffer> {
    return Buffer.from((await this.idempotent<{ data: string }>("GET", `/v1/media/${enc(id)}`)).data, "base64");
  }

  createGroup(subject: string, participants: string[]): Promise<GroupInfo> {
    return this.http.request("POST", "/v1/groups", { subject, participants });
  }

  group(jid: string): Promise<GroupInfo> {
    return this.idempotent("GET", `/v1/groups/${enc(jid)}`);
  }

  participants(jid: string, action: "add" | "remove" | "promote" | "demote", participants: string[]): Promise<{ results: ParticipantResult[]; group: GroupInfo }> {
    return this.http.request("POST", `/v1/groups/${enc(jid)}/participants`, { action, participants });
  }

  setGroupSubject(jid: string, subject: string): Promise<GroupInfo> {
    return this.idempotent("PUT", `/v1/groups/${enc(jid)}/subject`, { subject });
  }

  setGroupDescription(jid: string, description: string): Promise<GroupInfo> {
    return this.idempotent("PUT", `/v1/groups/${enc(jid)}/description`, { description });
  }

  setGroupPicture(jid: string, image: Buffer | null): Promise<GroupInfo> {
    return this.idempotent("PUT", `/v1/groups/${enc(jid)}/picture`, { data: image ? image.toString("base64") : null });
  }

  setGroupSettings(jid: string, settings: { announce?: boolean; restrict?: boolean }): Promise<GroupInfo> {
    return this.idempotent("PUT", `/v1/groups/${enc(jid)}/settings`, settings);
  }

  async leaveGroup(jid: string): Promise<void> {
    await this.http.request("POST", `/v1/groups/${enc(jid)}/leave`, {});
  }
}
