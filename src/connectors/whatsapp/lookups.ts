/**
 * People and chats as the core asks about them. People are known by JID; their push name is
 * what WhatsApp shows, and their number what identifies them to others. Group roles map onto
 * the core's: the creator (super-admin) is the owner.
 */
import { NetworkError, type ChatInfo, type ChatMember, type MemberRole, type RemoteUser } from "../../network/index.js";
import type { WhatsappClient } from "../../simnet/whatsapp/client/client.js";
import type { GroupInfo } from "../../simnet/whatsapp/protocol.js";
import { pictureFile } from "./files.js";
import { chatKindOf, displayPhone, isUserJid, jidForInput, phoneOf } from "./ids.js";

interface Profile {
  jid: string;
  push_name?: string;
  avatar?: string | null;
}

/** How many numbers one contacts lookup may carry. */
const LOOKUP_BATCH = 256;

const ROLES: Record<GroupInfo["participants"][number]["role"], MemberRole> = { superadmin: "owner", admin: "admin", member: "member" };

export class Lookups {
  constructor(
    private readonly client: WhatsappClient,
    /** bridge.phone_numbers_on_matrix is off: a missing name is not replaced by the number. */
    private readonly hideNumbers = false,
  ) {}

  private user(profile: Profile): RemoteUser {
    const avatar = profile.avatar ?? undefined;
    return {
      id: profile.jid,
      name: profile.push_name || (this.hideNumbers ? "WhatsApp user" : displayPhone(profile.jid)),
      ...(this.hideNumbers ? {} : { identifier: displayPhone(profile.jid) }),
      ...(avatar !== undefined ? { avatar: pictureFile(this.client.api, avatar), avatarId: avatar } : {}),
    };
  }

  /** Someone without a profile: the chat's title, unless that is the number numbers must not show as. */
  private unknown(jid: string, title: string): RemoteUser {
    if (!this.hideNumbers) return { id: jid, name: title, identifier: displayPhone(jid) };
    return { id: jid, name: title.replace(/\D/g, "").includes(phoneOf(jid)) ? "WhatsApp user" : title };
  }

  async self(): Promise<RemoteUser> {
    const { account } = await this.client.api.me();
    return this.user(account);
  }

  /** Profiles of the registered accounts among `jids`, by JID. */
  private async profiles(jids: readonly string[]): Promise<Map<string, Profile>> {
    const found = new Map<string, Profile>();
    const phones = [...new Set(jids.filter(isUserJid).map(phoneOf))];
    for (let i = 0; i < phones.length; i += LOOKUP_BATCH) {
      const results = (await this.client.api.lookup(phones.slice(i, i + LOOKUP_BATCH))) as (Partial<Profile> & { exists: boolean })[];
      for (const result of results) if (result.exists && result.jid) found.set(result.jid, { ...result, jid: result.jid });
    }
    return found;
  }

  /** The person with this JID; undefined if no such account is registered. */
  async find(jid: string): Promise<RemoteUser | undefined> {
    if (jid === this.client.jid) return this.self();
    const profile = (await this.profiles([jid])).get(jid);
    return profile ? this.user(profile) : undefined;
  }

  async get(jid: string): Promise<RemoteUser> {
    const user = await this.find(jid);
    if (!user) throw new NetworkError("not_found", `${jid} is not on WhatsApp`);
    return user;
  }

  /** Whoever has WhatsApp on the number typed; undefined for no number, or no account. */
  async resolve(identifier: string): Promise<RemoteUser | undefined> {
    const jid = jidForInput(identifier);
    return jid === undefined ? undefined : this.find(jid);
  }

  async chats(): Promise<ChatInfo[]> {
    const summaries = await this.client.api.chats();
    const direct = summaries.filter((chat) => chat.kind === "direct");
    const profiles = await this.profiles(direct.map((chat) => chat.jid));
    const self = direct.some((chat) => chat.jid === this.client.jid) ? await this.self() : undefined;
    return Promise.all(
      summaries.map((chat) => {
        if (chat.kind === "group") return this.group(chat.jid);
        const profile = profiles.get(chat.jid);
        const peer = chat.jid === this.client.jid && self ? self : profile ? this.user(profile) : this.unknown(chat.jid, chat.title);
        return Promise.resolve(this.directChat(peer));
      }),
    );
  }

  async chat(jid: string): Promise<ChatInfo> {
    if (chatKindOf(jid) === "group") return this.group(jid);
    return this.directChat(await this.get(jid));
  }

  private directChat(peer: RemoteUser): ChatInfo {
    const members: ChatMember[] = [{ id: this.client.jid, role: "member" }];
    // The chat with oneself ("message yourself") has one member.
    if (peer.id !== this.client.jid) members.push({ id: peer.id, role: "member" });
    return { id: peer.id, kind: "direct", name: peer.name, members, peer };
  }

  private async group(jid: string): Promise<ChatInfo> {
    const info = await this.client.api.group(jid);
    return {
      id: info.jid,
      kind: "group",
      name: info.subject,
      ...(info.description !== "" ? { topic: info.description } : {}),
      ...(info.picture !== null ? { avatar: pictureFile(this.client.api, info.picture), avatarId: info.picture } : {}),
      members: info.participants.map((participant) => ({ id: participant.jid, role: ROLES[participant.role] ?? "member" })),
    };
  }
}
