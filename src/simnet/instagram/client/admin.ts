/**
 * The Instagram simulation's admin API: accounts, renames and checkpoint flags, pending
 * challenge codes, threads and their stored items, posts, and the interoperability API's
 * providers, identities, third-party chats and users' setting. Fault injection comes from the base.
 */
import { SimnetAdminClient } from "../../client/admin.js";
import type {
  IgInteropIdentity,
  IgInteropProvider,
  IgInteropThread,
  IgItem,
  IgPendingChallenge,
  IgPost,
  IgThread,
  IgThreadRecord,
  IgUser,
} from "../protocol.js";
import { readInstagramError } from "./errors.js";

export interface AdminAccount extends IgUser {
  checkpoint: boolean;
  created_at: number;
  sessions: { session_id: string; device_id: string; created_at: number }[];
}

export type AdminChallenge = IgPendingChallenge;

export interface AdminThread extends IgThreadRecord {
  participants: (IgUser & { is_admin: boolean; seen_item_id: string | null })[];
}

/** A third-party chat as the admin API lists it. */
export interface AdminThirdPartyThread extends IgInteropThread {
  provider_id: string;
  created_at: number;
}

export interface NewAccount {
  username: string;
  fullName: string;
  password: string;
  /** An image to use as the avatar. */
  avatar?: Buffer;
  /** The next login meets a checkpoint. */
  checkpoint?: boolean;
}

const ref = (pkOrUsername: string) => encodeURIComponent(pkOrUsername);

export class InstagramAdminClient extends SimnetAdminClient {
  constructor(baseUrl: string, adminToken: string) {
    super(baseUrl, adminToken, readInstagramError);
  }

  createAccount(spec: NewAccount): Promise<AdminAccount> {
    return this.http.request("POST", "/admin/accounts", {
      username: spec.username,
      full_name: spec.fullName,
      password: spec.password,
      ...(spec.avatar ? { avatar: spec.avatar.toString("base64") } : {}),
      checkpoint: spec.checkpoint ?? false,
    });
  }

  async accounts(): Promise<AdminAccount[]> {
    return (await this.http.request<{ accounts: AdminAccount[] }>("GET", "/admin/accounts")).accounts;
  }

  /** By pk or current username. */
  account(pkOrUsername: string): Promise<AdminAccount> {
    return this.http.request("GET", `/admin/accounts/${ref(pkOrUsername)}`);
  }

  /** Changes a profile as if the user had (without the user's rename frequency limit). */
  updateProfile(pkOrUsername: string, change: { username?: string; fullName?: string; avatar?: Buffer }): Promise<AdminAccount> {
    return this.http.request("POST", `/admin/accounts/${ref(pkOrUsername)}/profile`, {
      ...(change.username !== undefined ? { username: change.username } : {}),
      ...(change.fullName !== undefined ? { full_name: change.fullName } : {}),
      ...(change.avatar ? { avatar: change.avatar.toString("base64") } : {}),
    });
  }

  rename(pkOrUsername: string, username: string): Promise<AdminAccount> {
    return this.updateProfile(pkOrUsername, { username });
  }

  /** Flags the account so its next login meets a checkpoint (or clears the flag). */
  forceCheckpoint(pkOrUsername: string, flagged = true): Promise<AdminAccount> {
    return this.http.request("POST", `/admin/accounts/${ref(pkOrUsername)}/checkpoint`, { flagged });
  }

  /** Pending challenge codes, newest first, optionally for one username. */
  async challenges(username?: string): Promise<AdminChallenge[]> {
    const query = username !== undefined ? `?username=${encodeURIComponent(username)}` : "";
    return (await this.http.request<{ challenges: AdminChallenge[] }>("GET", `/admin/challenges${query}`)).challenges;
  }

  /** A direct thread (two members) or a group; members and admins by pk or username. The answer is the creator's view. */
  createThread(spec: { kind: "direct" | "group"; members: string[]; admins?: string[]; title?: string; creator?: string }): Promise<IgThread> {
    return this.http.request("POST", "/admin/threads", spec);
  }

  thread(threadId: string): Promise<AdminThread> {
    return this.http.request("GET", `/admin/threads/${encodeURIComponent(threadId)}`);
  }

  /** Every stored item of a thread, oldest first. */
  async items(threadId: string): Promise<IgItem[]> {
    return (await this.http.request<{ items: IgItem[] }>("GET", `/admin/threads/${encodeURIComponent(threadId)}/items`)).items;
  }

  /** A post, reel or story by `owner` to share in threads. */
  createPost(spec: { owner: string; kind: "post" | "reel" | "story"; caption?: string; image?: Buffer }): Promise<IgPost> {
    return this.http.request("POST", "/admin/posts", {
      owner: spec.owner,
      kind: spec.kind,
      ...(spec.caption !== undefined ? { caption: spec.caption } : {}),
      ...(spec.image ? { image: spec.image.toString("base64") } : {}),
    });
  }

  /** Registers a provider of the interoperability API; its token is in this answer only. */
  registerProvider(name: string): Promise<IgInteropProvider & { token: string }> {
    return this.http.request("POST", "/admin/interop/providers", { name });
  }

  async providers(): Promise<IgInteropProvider[]> {
    return (await this.http.request<{ providers: IgInteropProvider[] }>("GET", "/admin/interop/providers")).providers;
  }

  /** Its token stops working and its realtime connection closes at once. */
  revokeProvider(providerId: string): Promise<IgInteropProvider> {
    return this.http.request("DELETE", `/admin/interop/providers/${encodeURIComponent(providerId)}`);
  }

  async identities(providerId: string): Promise<IgInteropIdentity[]> {
    return (await this.http.request<{ identities: IgInteropIdentity[] }>("GET", `/admin/interop/providers/${encodeURIComponent(providerId)}/identities`)).identities;
  }

  /** Third-party chats, all or one provider's; their items are at `items(threadId)`. */
  async thirdPartyThreads(providerId?: string): Promise<AdminThirdPartyThread[]> {
    const query = providerId !== undefined ? `?provider=${encodeURIComponent(providerId)}` : "";
    return (await this.http.request<{ threads: AdminThirdPartyThread[] }>("GET", `/admin/interop/threads${query}`)).threads;
  }

  /** Turns a user's "third-party chats" setting on or off as if they had. */
  setThirdPartyChats(pkOrUsername: string, enabled: boolean): Promise<{ pk: string; third_party_chats: boolean }> {
    return this.http.request("POST", `/admin/accounts/${ref(pkOrUsername)}/third_party`, { third_party_chats: enabled });
  }
}
