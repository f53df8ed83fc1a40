/** The Messenger admin API for scripts and tests: accounts, threads, stored messages, 2FA codes. */
import { SimnetAdminClient } from "../../client/admin.js";
import type { WireAccount, WireMessage, WireProvider, WireThread } from "../protocol.js";
import { readMessengerError } from "./errors.js";

export interface NewAccountSpec {
  name: string;
  email: string;
  password: string;
  twoFactor?: boolean;
  avatar?: { mime: string; data: Buffer };
}

export interface AdminThread {
  /** The storage key: the group id, or `<lower id>:<higher id>` for a direct thread. */
  key: string;
  thread: WireThread;
  /** The id each participant knows the thread under. */
  ids: Record<string, string>;
}

export interface PendingCode {
  account_id: string;
  email: string;
  code: string;
  device_name: string;
  created_at: number;
  expires_at: number;
}

export type StoredMessage = WireMessage & { unsent_at: number | null };

export interface AdminInteropChat {
  /** The storage key, also the chat id its provider knows. */
  key: string;
  provider_id: string;
  thread: WireThread;
}

const seg = encodeURIComponent;

export class MessengerAdminClient extends SimnetAdminClient {
  constructor(baseUrl: string, adminToken: string) {
    super(baseUrl.replace(/\/+$/, ""), adminToken, readMessengerError);
  }

  createAccount(spec: NewAccountSpec): Promise<WireAccount> {
    return this.http.request("POST", "/admin/accounts", {
      name: spec.name,
      email: spec.email,
      password: spec.password,
      ...(spec.twoFactor !== undefined ? { two_factor: spec.twoFactor } : {}),
      ...(spec.avatar ? { avatar: { mime: spec.avatar.mime, data: spec.avatar.data.toString("base64") } } : {}),
    });
  }

  async accounts(): Promise<WireAccount[]> {
    return (await this.http.request<{ accounts: WireAccount[] }>("GET", "/admin/accounts")).accounts;
  }

  account(id: string): Promise<WireAccount> {
    return this.http.request("GET", `/admin/accounts/${seg(id)}`);
  }

  async sessions(accountId: string): Promise<{ session_id: string; device_name: string; created_at: number }[]> {
    return (await this.http.request<{ sessions: { session_id: string; device_name: string; created_at: number }[] }>("GET", `/admin/accounts/${seg(accountId)}/sessions`)).sessions;
  }

  /** Unexpired 2FA codes waiting to be typed in, newest first. */
  async pendingCodes(who: { email: string } | { accountId: string }): Promise<PendingCode[]> {
    const query = "email" in who ? `email=${seg(who.email)}` : `account_id=${seg(who.accountId)}`;
    return (await this.http.request<{ codes: PendingCode[] }>("GET", `/admin/two-factor-codes?${query}`)).codes;
  }

  /** Two participants make a direct thread, more a group (the first, or `creatorId`, is admin). */
  createThread(spec: { participantIds: string[]; kind?: "direct" | "group"; adminIds?: string[]; creatorId?: string; name?: string }): Promise<AdminThread> {
    return this.http.request("POST", "/admin/threads", {
      participant_ids: spec.participantIds,
      ...(spec.kind ? { kind: spec.kind } : {}),
      ...(spec.adminIds ? { admin_ids: spec.adminIds } : {}),
      ...(spec.creatorId ? { creator_id: spec.creatorId } : {}),
      ...(spec.name !== undefined ? { name: spec.name } : {}),
    });
  }

  /** Everything stored for a thread (by storage key), unsent messages included, oldest first. */
  async threadMessages(key: string): Promise<StoredMessage[]> {
    return (await this.http.request<{ messages: StoredMessage[] }>("GET", `/admin/threads/${seg(key)}/messages`)).messages;
  }

  /** Registers a third-party provider; the token is shown this once. */
  registerProvider(name: string): Promise<{ provider: WireProvider; token: string }> {
    return this.http.request("POST", "/admin/interop/providers", { name });
  }

  async providers(): Promise<WireProvider[]> {
    return (await this.http.request<{ providers: WireProvider[] }>("GET", "/admin/interop/providers")).providers;
  }

  /** The token stops working at once and the provider's sockets are closed. */
  async revokeProvider(id: string): Promise<WireProvider> {
    return (await this.http.request<{ provider: WireProvider }>("DELETE", `/admin/interop/providers/${seg(id)}`)).provider;
  }

  /** Third-party chats (of one provider, or all); their messages are in `threadMessages(key)`. */
  async interopChats(providerId?: string): Promise<AdminInteropChat[]> {
    const query = providerId === undefined ? "" : `?provider_id=${seg(providerId)}`;
    return (await this.http.request<{ chats: AdminInteropChat[] }>("GET", `/admin/interop/chats${query}`)).chats;
  }
}
