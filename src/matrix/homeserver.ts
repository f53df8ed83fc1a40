/**
 * The core's view of the homeserver (MatrixPort), implemented on the client-server API as the
 * appservice. Every call names the user it acts as.
 */
import { randomUUID } from "node:crypto";
import type { CreateRoomOptions, MatrixPort, SendOptions } from "../core/matrix-port.js";
import { HomeserverClient, HomeserverError } from "./homeserver-client.js";

const enc = encodeURIComponent;
const CS = "/_matrix/client/v3";

export class AppserviceHomeserver implements MatrixPort {
  private readonly client: HomeserverClient;

  constructor(
    homeserverUrl: string,
    asToken: string,
    readonly botUserId: string,
  ) {
    this.client = new HomeserverClient(homeserverUrl, asToken);
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
    await this.client.request("PUT", `${CS}/profile/${enc(userId)}/displayname`, { as: userId, body: { displayname: name } });
  }

  async setAvatar(userId: string, mxc: string): Promise<void> {
    await this.client.request("PUT", `${CS}/profile/${enc(userId)}/avatar_url`, { as: userId, body: { avatar_url: mxc } });
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
    await this.client.request("POST", `${CS}/rooms/${enc(roomId)}/invite`, { as, body: { user_id: userId } });
  }

  async join(userId: string, roomId: string): Promise<void> {
    await this.client.request("POST", `${CS}/join/${enc(roomId)}`, { as: userId, body: {} });
  }

  async leave(userId: string, roomId: string, reason?: string): Promise<void> {
    await this.client.request("POST", `${CS}/rooms/${enc(roomId)}/leave`, { as: userId, body: reason ? { reason } : {} });
  }

  async kick(as: string, roomId: string, userId: string, reason?: string): Promise<void> {
    await this.client.request("POST", `${CS}/rooms/${enc(roomId)}/kick`, { as, body: { user_id: userId, ...(reason ? { reason } : {}) } });
  }

  async sendEvent(as: string, roomId: string, type: string, content: Record<string, unknown>, options: SendOptions): Promise<string> {
    const answer = await this.client.request<{ event_id: string }>("PUT", `${CS}/rooms/${enc(roomId)}/send/${enc(type)}/${enc(options.txnId)}`, {
      as,
      query: { ts: options.ts },
      body: content,
    });
    return answer.event_id;
  }

  async sendState(as: string, roomId: string, type: string, stateKey: string, content: Record<string, unknown>): Promise<string> {
    const answer = await this.client.request<{ event_id: string }>("PUT", `${CS}/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`, { as, body: content });
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

  async redact(as: string, roomId: string, eventId: string, options: { txnId: string; reason?: string }): Promise<void> {
    await this.client.request("PUT", `${CS}/rooms/${enc(roomId)}/redact/${enc(eventId)}/${enc(options.txnId)}`, {
      as,
      body: options.reason ? { reason: options.reason } : {},
    });
  }

  async setTyping(as: string, roomId: string, typing: boolean, timeoutMs = 15_000): Promise<void> {
    await this.client.request("PUT", `${CS}/rooms/${enc(roomId)}/typing/${enc(as)}`, { as, body: typing ? { typing, timeout: timeoutMs } : { typing } });
  }

  async sendReadReceipt(as: string, roomId: string, eventId: string): Promise<void> {
    await this.client.request("POST", `${CS}/rooms/${enc(roomId)}/receipt/m.read/${enc(eventId)}`, { as, body: {} });
  }

  async setPresence(as: string, presence: "online" | "offline" | "unavailable"): Promise<void> {
    await this.client.request("PUT", `${CS}/presence/${enc(as)}/status`, { as, body: { presence } });
  }

  async upload(as: string, data: Buffer, mimeType: string, fileName?: string): Promise<string> {
    const answer = await this.client.request<{ content_uri: string }>("POST", "/_matrix/media/v3/upload", {
      as,
      query: { filename: fileName },
      body: data,
      contentType: mimeType,
    });
    return answer.content_uri;
  }

  async download(mxc: string): Promise<{ data: Buffer; mimeType: string }> {
    const match = /^mxc:\/\/([^/]+)\/([^/?#]+)$/.exec(mxc);
    if (!match) throw new HomeserverError(400, "M_INVALID_PARAM", `not an mxc:// URI: ${mxc.slice(0, 200)}`);
    const { data, contentType } = await this.client.requestBytes("GET", `/_matrix/client/v1/media/download/${enc(match[1] as string)}/${enc(match[2] as string)}`, {
      as: this.botUserId,
    });
    return { data, mimeType: contentType };
  }

  async joinedMembers(roomId: string): Promise<string[]> {
    const answer = await this.client.request<{ joined: Record<string, unknown> }>("GET", `${CS}/rooms/${enc(roomId)}/joined_members`, { as: this.botUserId });
    return Object.keys(answer.joined ?? {});
  }

  /** A fresh transaction id for sends that have no remote identity to derive one from. */
  static freshTxnId(): string {
    return randomUUID();
  }
}
