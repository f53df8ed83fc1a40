/**
 * The WhatsApp admin API from a script or test: accounts ready to register, chats, a chat's
 * stored (encrypted) envelopes, pending SMS and pairing codes, a user's devices, and third-party
 * providers with their chats.
 */
import { SimnetAdminClient } from "../../client/admin.js";
import type { AccountInfo, DeviceInfo, GroupInfo, StoredEnvelopeInfo } from "../protocol.js";
import { readWhatsappError } from "./api.js";
import type { IdentityInfo, ProviderInfo } from "../interop-protocol.js";

export interface StoredEnvelope extends StoredEnvelopeInfo {
  copies: { device: string | null; ciphertext_bytes: number }[];
  reactions: { reactor: string; reaction: string }[];
}

/** A third-party chat as the admin sees it: users by JID, identities with who they are. */
export interface AdminInteropChat {
  id: string;
  provider: string;
  kind: "direct" | "group";
  title?: string;
  active?: boolean;
  creator: string;
  members: ({ kind: "native"; jid: string } | ({ kind: "third_party" } & IdentityInfo))[];
  created_at: number;
}

export interface PendingCodes {
  phone: string;
  sms: { code: string; expires_at: number } | null;
  pairing: { code: string; display: string; device_name: string; expires_at: number }[];
}

const enc = encodeURIComponent;

export class WhatsappAdminClient extends SimnetAdminClient {
  constructor(baseUrl: string, adminToken: string) {
    super(baseUrl, adminToken, readWhatsappError);
  }

  createAccount(account: { phone: string; pushName: string; about?: string; avatar?: Buffer }): Promise<AccountInfo> {
    return this.http.request("POST", "/admin/accounts", {
      phone: account.phone,
      push_name: account.pushName,
      ...(account.about !== undefined ? { about: account.about } : {}),
      ...(account.avatar ? { avatar: account.avatar.toString("base64") } : {}),
    });
  }

  async accounts(): Promise<AccountInfo[]> {
    return (await this.http.request<{ accounts: AccountInfo[] }>("GET", "/admin/accounts")).accounts;
  }

  account(jidOrPhone: string): Promise<AccountInfo & { devices: (DeviceInfo & { name: string; linked_at: number })[] }> {
    return this.http.request("GET", `/admin/accounts/${enc(jidOrPhone)}`);
  }

  async devices(jidOrPhone: string): Promise<(DeviceInfo & { name: string; linked_at: number })[]> {
    return (await this.http.request<{ devices: [] }>("GET", `/admin/accounts/${enc(jidOrPhone)}/devices`)).devices;
  }

  createDirectChat(a: string, b: string): Promise<{ kind: "direct"; chat: string; members: string[] }> {
    return this.http.request("POST", "/admin/chats", { kind: "direct", members: [a, b] });
  }

  /** The first member is the creator (super-admin); `admins` are made admins. */
  createGroup(subject: string, members: string[], admins: string[] = []): Promise<{ kind: "group"; chat: string; group: GroupInfo }> {
    return this.http.request("POST", "/admin/chats", { kind: "group", subject, members, admins });
  }

  /** A group JID, or a direct chat as its two user JIDs (either order). */
  async messages(chat: string, other?: string): Promise<StoredEnvelope[]> {
    const key = other === undefined ? chat : `${chat},${other}`;
    return (await this.http.request<{ messages: StoredEnvelope[] }>("GET", `/admin/chats/${enc(key)}/messages`)).messages;
  }

  codes(phone: string): Promise<PendingCodes> {
    return this.http.request("GET", `/admin/codes?phone=${enc(phone)}`);
  }

  /** A new third-party provider with its device key; the token is shown this once. */
  registerProvider(name: string, publicKey: string): Promise<ProviderInfo & { token: string }> {
    return this.http.request("POST", "/admin/interop/providers", { name, public_key: publicKey });
  }

  async providers(): Promise<ProviderInfo[]> {
    return (await this.http.request<{ providers: ProviderInfo[] }>("GET", "/admin/interop/providers")).providers;
  }

  async revokeProvider(id: string): Promise<void> {
    await this.http.request("DELETE", `/admin/interop/providers/${enc(id)}`);
  }

  async interopChats(): Promise<AdminInteropChat[]> {
    return (await this.http.request<{ chats: AdminInteropChat[] }>("GET", "/admin/interop/chats")).chats;
  }

  /** A third-party chat's stored envelopes, by the provider's id for the chat. */
  async interopMessages(chat: string): Promise<StoredEnvelope[]> {
    return (await this.http.request<{ messages: StoredEnvelope[] }>("GET", `/admin/interop/chats/${enc(chat)}/messages`)).messages;
  }
}
