/**
 * The REST half of WhatsApp's interoperability API as a provider calls it, one typed method per
 * route (see docs/simnet/whatsapp.md). Like api.ts it knows nothing of encryption: envelopes
 * arrive here sealed, files already encrypted.
 */
import { SimnetHttpClient, SimnetRequestError } from "../../client/http.js";
import type { Badge, IdentityInfo, ProviderInfo, WireChat, WireParticipant, WireUser } from "../interop-protocol.js";
import type { ChatState, DeviceInfo, EnvelopeKind, MediaKind, SendAck } from "../protocol.js";
import { readWhatsappError, retrying } from "./api.js";

const enc = encodeURIComponent;

/** An envelope as a provider sends it: in one of its chats, as one of its identities. */
export interface ProviderEnvelope {
  id: string;
  chat: string;
  as: string;
  kind: EnvelopeKind;
  target?: string;
  reaction_removed?: boolean;
  copies: Record<string, string>;
}

export class InteropApi {
  readonly http: SimnetHttpClient;

  constructor(baseUrl: string, token: string) {
    this.http = new SimnetHttpClient({ baseUrl, token, readError: readWhatsappError });
  }

  me(): Promise<ProviderInfo> {
    return retrying(this.http, "GET", "/interop/v1/me");
  }

  /** An opted-in user who allows discovery by this number; undefined for anyone else. */
  async lookup(phone: string): Promise<WireUser | undefined> {
    try {
      return (await this.http.request<{ user: WireUser }>("POST", "/interop/v1/lookup", { phone })).user;
    } catch (error) {
      if (error instanceof SimnetRequestError && error.code === "not_found") return undefined;
      throw error;
    }
  }

  /** Everyone who turned third-party chats on, discoverable by number or not. */
  async optedIn(): Promise<WireUser[]> {
    return (await retrying<{ users: WireUser[] }>(this.http, "GET", "/interop/v1/users")).users;
  }

  publishIdentity(id: string, identity: { name: string; network: Badge; handle: string }): Promise<IdentityInfo> {
    return retrying(this.http, "PUT", `/interop/v1/identities/${enc(id)}`, identity);
  }

  async removeIdentity(id: string): Promise<void> {
    await this.http.request("DELETE", `/interop/v1/identities/${enc(id)}`);
  }

  createChat(spec: { kind: "direct" | "group"; title?: string; creator: string; members: WireParticipant[] }): Promise<WireChat> {
    return this.http.request("POST", "/interop/v1/chats", spec);
  }

  chat(id: string): Promise<WireChat> {
    return retrying(this.http, "GET", `/interop/v1/chats/${enc(id)}`);
  }

  async chatDevices(chat: string): Promise<DeviceInfo[]> {
    return (await retrying<{ devices: DeviceInfo[] }>(this.http, "GET", `/interop/v1/chats/${enc(chat)}/devices`)).devices;
  }

  async userDevices(user: string): Promise<DeviceInfo[]> {
    return (await retrying<{ devices: DeviceInfo[] }>(this.http, "GET", `/interop/v1/users/${enc(user)}/devices`)).devices;
  }

  participants(chat: string, as: string, action: "add" | "remove", participants: WireParticipant[]): Promise<WireChat> {
    return this.http.request("POST", `/interop/v1/chats/${enc(chat)}/participants`, { as, action, participants });
  }

  send(envelope: ProviderEnvelope): Promise<SendAck> {
    // The message id makes a repeat safe: the server answers it with the first acknowledgement.
    return retrying(this.http, "POST", "/interop/v1/messages", envelope);
  }

  async read(chat: string, as: string, upTo: string): Promise<void> {
    await retrying(this.http, "POST", "/interop/v1/receipts", { chat, as, up_to: upTo });
  }

  async chatState(chat: string, as: string, state: ChatState): Promise<void> {
    await this.http.request("POST", "/interop/v1/chatstate", { chat, as, state });
  }

  upload(kind: MediaKind, data: Buffer): Promise<{ id: string; size: number; enc_sha256: string }> {
    return retrying(this.http, "POST", "/interop/v1/media", { kind, data: data.toString("base64") });
  }

  async download(id: string): Promise<Buffer> {
    return Buffer.from((await retrying<{ data: string }>(this.http, "GET", `/interop/v1/media/${enc(id)}`)).data, "base64");
  }
}
