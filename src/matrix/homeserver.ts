/**
 * The core's view of the homeserver (MatrixPort), implemented on the client-server API as the
 * appservice. Every call names the user it acts as.
 */
import { DOUBLE_PUPPET_MARK, type CreateRoomOptions, type MatrixPort, type SendOptions } from "../core/matrix-port.js";
import { HomeserverClient, HomeserverError } from "./homeserver-client.js";

const enc = encodeURIComponent;

const CS = "/_matrix/client/v3";

export interface HomeserverOptions {
  homeserverUrl: string;
  asToken: string;
  botUserId: string;
  /** The user namespaces of the main registration: users the main token acts as. */
  ownedUsers: RegExp[];
  /** The double-puppeting registration's token and the server whose users it covers. */
  doublePuppet?: { asToken: string; domain: string };
}

export class AppserviceHomeserver implements MatrixPort {
  private readonly client: HomeserverClient;
  readonly botUserId: string;
  private limit: Promise<number | undefined> | undefined;

  constructor(private readonly options: HomeserverOptions) {
    this.client = new HomeserverClient(options.homeserverUrl, options.asToken);
    this.botUserId = options.botUserId;
  }

  canActAs(userId: string): boolean {
    return this.isBridgeUser(userId) || this.puppetToken(userId) !== undefined;
  }

  isBridgeUser(userId: string): boolean {
    return userId === this.botUserId || this.options.ownedUsers.some((regex) => regex.test(userId));
  }

  /** The token to act as a real user of our server, when double puppeting is on. */
  private puppetToken(userId: string): string | undefined {
    const puppet = this.options.doublePuppet;
    return puppet && !this.isBridgeUser(userId) && userId.endsWith(`:${puppet.domain}`) ? puppet.asToken : undefined;
  }

  /** Request options acting as `userId`, with the token that may. */
  private as(userId: string): { as: string; token?: string } {
    const token = this.puppetToken(userId);
    return token ? { as: userId, token } : { as: userId };
  }

  async ensureRegistered(userId: string): Promise<void> {
    const localpart = userId.slice(1, userId.indexOf(":"));
    try {
      await this.client.request("POST", `${CS}/register`, {
        body: { type: "m.login.application_service", username: localpart, inhibit_login: true },
      });
    } catch (error) {
      if (error instanceof HomeserverError && error.errcode === "M_USER_IN_USE") return;
      throw error;
    }
  }

  async setDisplayName(userId: string, name: string): Promise<void> {
    await this.client.request("PUT", `${CS}/profile/${enc(userId)}/displayname`, { ...this.as(userId), body: { displayname: name } });
  }

  async getDisplayName(userId: string): Promise<string | undefined> {
    try {
      const profile = await this.client.request<{ displayname?: unknown }>("GET", `${CS}/profile/${enc(userId)}/displayname`, { as: this.botUserId });
      return typeof profile.displayname === "string" && profile.displayname.length > 0 ? profile.displayname : undefined;
    } catch (error) {
      if (error instanceof HomeserverError && error.status === 404) return undefined;
      throw error;
    }
  }

  async setAvatar(userId: string, mxc: string): Promise<void> {
    await this.client.request("PUT", `${CS}/profile/${enc(userId)}/avatar_url`, { ...this.as(userId), body: { avatar_url: mxc } });
  }

  async createRoom(options: CreateRoomOptions): Promise<string> {
    const initialState = [...options.initialState];
    if (options.avatarMxc) initialState.push({ type: "m.room.avatar", state_key: "", content: { url: options.avatarMxc } });
    const answer = await this.client.request<{ room_id: string }>("POST", `${CS}/createRoom`, {
      as: this.botUserId,
      body: {
        preset: "private_chat",
        visibility: "private",
        ...(options.name ? { name: options.name } : {}),
        ...(options.topic ? { topic: options.topic } : {}),
        is_direct: options.isDirect,
        invite: options.invite,
        initial_state: initialState,
        power_level_content_override: options.powerLevels,
      },
    });
    return answer.room_id;
  }

  async invite(as: string, roomId: string, userId: string): Promise<void> {
    await this.client.request("POST", `${CS}/rooms/${enc(roomId)}/invite`, { ...this.as(as), body: { user_id: userId } });
  }

  async join(userId: string, roomId: string): Promise<void> {
    await this.client.request("POST", `${CS}/join/${enc(roomId)}`, { ...this.as(userId), body: {} });
  }

  async leave(userId: string, roomId: string, reason?: string): Promise<void> {
    await this.client.request("POST", `${CS}/rooms/${enc(roomId)}/leave`, { ...this.as(userId), body: reason ? { reason } : {} });
  }

  async kick(as: string, roomId: string, userId: string, reason?: string): Promise<void> {
    await this.client.request("POST", `${CS}/rooms/${enc(roomId)}/kick`, { ...this.as(as), body: { user_id: userId, ...(reason ? { reason } : {}) } });
  }

  async sendEvent(as: string, roomId: string, type: string, content: Record<string, unknown>, options: SendOptions): Promise<string> {
    const answer = await this.client.request<{ event_id: string }>("PUT", `${CS}/rooms/${enc(roomId)}/send/${enc(type)}/${enc(options.txnId)}`, {
      ...this.as(as),
      query: { ts: options.ts },
      // Marks what the bridge sent as a real user, so its echo is not bridged back.
      body: this.puppetToken(as) ? { ...content, [DOUBLE_PUPPET_MARK]: true } : content,
    });
    return answer.event_id;
  }

  async sendState(as: string, roomId: string, type: string, stateKey: string, content: Record<string, unknown>): Promise<string> {
    const answer = await this.client.request<{ event_id: string }>("PUT", `${CS}/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`, { ...this.as(as), body: content });
    return answer.event_id;
  }

  async getState(roomId: string, type: string, stateKey: string): Promise<Record<string, unknown> | undefined> {
    try {
      return await this.client.request("GET", `${CS}/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`, { as: this.botUserId });
    } catch (error) {
      if (error instanceof HomeserverError && error.status === 404) return undefined;
      throw error;
    }
  }

  async joinedMembers(as: string, roomId: string): Promise<string[]> {
    const answer = await this.client.request<{ joined?: Record<string, unknown> }>("GET", `${CS}/rooms/${enc(roomId)}/joined_members`, this.as(as));
    return Object.keys(answer.joined ?? {});
  }

  async getEvent(roomId: string, eventId: string): Promise<{ sender: string; type: string; content: Record<string, unknown> } | undefined> {
    try {
      return await this.client.request("GET", `${CS}/rooms/${enc(roomId)}/event/${enc(eventId)}`, { as: this.botUserId });
    } catch (error) {
      if (error instanceof HomeserverError && error.status === 404) return undefined;
      throw error;
    }
  }

  async redact(as: string, roomId: string, eventId: string, options: { txnId: string; reason?: string }): Promise<void> {
    await this.client.request("PUT", `${CS}/rooms/${enc(roomId)}/redact/${enc(eventId)}/${enc(options.txnId)}`, {
      ...this.as(as),
      body: options.reason ? { reason: options.reason } : {},
    });
  }

  async setTyping(as: string, roomId: string, typing: boolean, timeoutMs = 15_000): Promise<void> {
    await this.client.request("PUT", `${CS}/rooms/${enc(roomId)}/typing/${enc(as)}`, { ...this.as(as), body: typing ? { typing, timeout: timeoutMs } : { typing } });
  }

  async sendReadReceipt(as: string, roomId: string, eventId: string): Promise<void> {
    await this.client.request("POST", `${CS}/rooms/${enc(roomId)}/receipt/m.read/${enc(eventId)}`, { ...this.as(as), body: {} });
  }

  async setPresence(as: string, presence: "online" | "offline" | "unavailable"): Promise<void> {
    await this.client.request("PUT", `${CS}/presence/${enc(as)}/status`, { ...this.as(as), body: { presence } });
  }

  async upload(as: string, data: Buffer, mimeType: string, fileName?: string): Promise<string> {
    // Synapse answers an upload over its limit by closing the connection mid-body, which looks
    // like a network failure and would be retried forever: check the limit first.
    const limit = await this.uploadLimit();
    if (limit !== undefined && data.length > limit) {
      throw new HomeserverError(413, "M_TOO_LARGE", `the file is ${data.length} bytes and the homeserver accepts at most ${limit}`);
    }
    const answer = await this.client.request<{ content_uri: string }>("POST", "/_matrix/media/v3/upload", {
      ...this.as(as),
      query: { filename: fileName },
      body: data,
      contentType: mimeType,
    });
    return answer.content_uri;
  }

  /** The homeserver's upload limit in bytes, asked once; undefined if it does not say. */
  private uploadLimit(): Promise<number | undefined> {
    this.limit ??= this.client
      .request<{ "m.upload.size"?: number }>("GET", "/_matrix/client/v1/media/config", { as: this.botUserId })
      .then((config) => config["m.upload.size"])
      .catch(() => {
        this.limit = undefined;
        return undefined;
      });
    return this.limit;
  }

  async download(mxc: string): Promise<{ data: Buffer; mimeType: string }> {
    const match = /^mxc:\/\/([^/]+)\/([^/?#]+)$/.exec(mxc);
    if (!match) throw new HomeserverError(400, "M_INVALID_PARAM", `not an mxc:// URI: ${mxc.slice(0, 200)}`);
    const { data, contentType } = await this.client.requestBytes("GET", `/_matrix/client/v1/media/download/${enc(match[1] as string)}/${enc(match[2] as string)}`, {
      as: this.botUserId,
    });
    return { data, mimeType: contentType };
  }
}
