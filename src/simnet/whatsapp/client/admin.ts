/**
 * The WhatsApp admin API from a script or test: accounts ready to register, chats, a chat's
 * stored (encrypted) envelopes, pending SMS and pairing codes, and a user's devices.
 */
import { SimnetAdminClient } from "../../client/admin.js";
import type { AccountInfo, DeviceInfo, GroupInfo, StoredEnvelopeInfo } from "../protocol.js";
import { readWhatsappError } from "./api.js";

export interface StoredEnvelope extends StoredEnvelopeInfo {
  copies: { device: string | null; ciphertext_bytes: number }[];
  reactions: { reactor: string; reaction: string }[];
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
}
