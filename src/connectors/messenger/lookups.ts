/**
 * People and threads as the core asks about them. People are known by account id and shown by
 * their real name; a person is found by what a user types: an account id or an email address.
 * Messenger has admins and members; the first admin of a group stands for no owner, since
 * Messenger has none: every admin maps to `admin`.
 */
import type { ChatInfo, RemoteUser } from "../../network/index.js";
import type { MessengerApi } from "../../simnet/messenger/client/api.js";
import { SimnetRequestError } from "../../simnet/client/http.js";
import type { WireThread, WireUser } from "../../simnet/messenger/protocol.js";
import { pictureFile } from "./files.js";
import { isAccountId } from "./ids.js";

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export class Lookups {
  constructor(
    private readonly api: MessengerApi,
    private readonly self: string,
  ) {}

  user(wire: WireUser): RemoteUser {
    const avatar = wire.avatar_attachment_id;
    return { id: wire.id, name: wire.name, ...(avatar !== null ? { avatar: pictureFile(this.api, avatar), avatarId: avatar } : {}) };
  }

  async me(): Promise<RemoteUser> {
    const account = await this.api.me();
    return { ...this.user(account), identifier: account.email };
  }

  async get(id: string): Promise<RemoteUser> {
    if (id === this.self) return this.me();
    return this.user(await this.api.user(id));
  }

  /** An account id or an email address; undefined when nobody has it. */
  async resolve(identifier: string): Promise<RemoteUser | undefined> {
    const input = identifier.trim();
    try {
      if (isAccountId(input)) return await this.get(input);
      if (EMAIL.test(input)) return this.user(await this.api.userByEmail(input));
    } catch (error) {
      if (error instanceof SimnetRequestError && (error.status === 404 || error.status === 400)) return undefined;
      throw error;
    }
    return undefined;
  }

  chatInfo(thread: WireThread): ChatInfo {
    const members = thread.participants.map((p) => ({ id: p.id, role: p.is_admin ? ("admin" as const) : ("member" as const) }));
    if (thread.kind === "direct") {
      const other = thread.participants.find((p) => p.id !== this.self);
      const peer: RemoteUser = { id: thread.id, name: other?.name ?? thread.id };
      return { id: thread.id, kind: "direct", name: peer.name, members: members.map((m) => ({ ...m, role: "member" as const })), peer };
    }
    const image = thread.image_attachment_id;
    return {
      id: thread.id,
      kind: "group",
      name: thread.name ?? thread.participants.filter((p) => p.id !== this.self).map((p) => p.name).join(", "),
      ...(image !== null ? { avatar: pictureFile(this.api, image), avatarId: image } : {}),
      members,
    };
  }

  async chats(): Promise<ChatInfo[]> {
    const chats: ChatInfo[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.api.threads({ limit: 100, ...(cursor ? { cursor } : {}) });
      chats.push(...page.threads.map((thread) => this.chatInfo(thread)));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return chats;
  }

  async chat(id: string): Promise<ChatInfo> {
    const info = this.chatInfo(await this.api.thread(id));
    // The direct peer with their avatar, as the core shows it.
    if (info.kind === "direct") info.peer = await this.get(id);
    return info;
  }
}
