/**
 * A third-party provider on WhatsApp, through the common face (src/simnet/client/interop.ts):
 * registered through the admin API with a device key it makes itself, then a device like any
 * other for the encryption. What it sends is sealed once per device of the chat (its own
 * included, so it sees its sends come back), what it receives is opened with its private key;
 * the server sees ciphertext only. It knows users by interop ids, never by phone number.
 */
import { createHash } from "node:crypto";
import { SimnetRequestError } from "../../client/http.js";
import type {
  InteropChat,
  InteropCredentials,
  InteropEvent,
  InteropKit,
  InteropMessageBody,
  InteropParticipant,
  InteropProvider,
  InteropUser,
  ThirdPartyIdentity,
} from "../../client/interop.js";
import { isProviderDeviceJid, parseUserDeviceName, providerDeviceJid } from "../interop-protocol.js";
import { normalizePhone, type DeviceInfo, type EnvelopeKind, type MediaKind, type SendAck } from "../protocol.js";
import { WhatsappAdminClient } from "./admin.js";
import { checkText, type EnvelopeContent, type MessageContent } from "./content.js";
import { encryptFile, exportPrivateKey, generateDeviceKeys, importDeviceKeys, interopAad, PairwiseCipher } from "./crypto.js";
import { InteropApi } from "./interop-api.js";
import { providerEvent, type ProviderKeys } from "./interop-events.js";
import { newMessageId, withDeviceList } from "./outbox.js";
import { WhatsappRealtime } from "./realtime.js";

/** What a WhatsApp provider keeps: its id, token and the private half of its device key. */
export interface WhatsappInteropCredentials extends InteropCredentials {
  privateKey: string;
}

function isCredentials(value: InteropCredentials): value is WhatsappInteropCredentials {
  return typeof value.privateKey === "string" && typeof value.providerId === "string" && typeof value.token === "string";
}

/** The common face's media kinds as WhatsApp's. */
const WA_KINDS: Record<NonNullable<InteropMessageBody["media"]>["kind"], MediaKind> = { image: "image", video: "video", audio: "audio", file: "document" };

/** The same idempotency key in the same chat from the same identity gives the same message id. */
function messageIdFor(chat: string, as: string, key: string): string {
  return `3EB0${createHash("sha256").update(`${chat}\n${as}\n${key}`).digest("hex").slice(0, 18).toUpperCase()}`;
}

export class WhatsappInteropProvider implements InteropProvider {
  readonly network = "whatsapp" as const;
  readonly api: InteropApi;
  private readonly cipher: PairwiseCipher;
  private readonly chatDevices = new Map<string, DeviceInfo[]>();
  private readonly deviceKeys = new Map<string, string>();
  private readonly listeners = new Set<WhatsappRealtime>();

  constructor(
    private readonly baseUrl: string,
    private readonly credentials: WhatsappInteropCredentials,
  ) {
    this.api = new InteropApi(baseUrl, credentials.token);
    this.cipher = new PairwiseCipher(importDeviceKeys(credentials.privateKey));
    // Its own sends come back sealed for itself.
    this.deviceKeys.set(providerDeviceJid(credentials.providerId), this.cipher.publicKey);
  }

  async lookup(handle: string): Promise<InteropUser | undefined> {
    const phone = normalizePhone(handle);
    return phone === undefined ? undefined : this.api.lookup(phone);
  }

  optedIn(): Promise<InteropUser[]> {
    return this.api.optedIn();
  }

  async publishIdentity(identity: ThirdPartyIdentity): Promise<void> {
    await this.api.publishIdentity(identity.id, { name: identity.name, network: identity.network, handle: identity.handle });
  }

  async removeIdentity(id: string): Promise<void> {
    await this.api.removeIdentity(id);
  }

  createChat(spec: { kind: "direct" | "group"; title?: string; creator: string; members: InteropParticipant[] }): Promise<InteropChat> {
    return this.api.createChat(spec);
  }

  async addMembers(chat: string, as: string, members: InteropParticipant[]): Promise<void> {
    await this.api.participants(chat, as, "add", members);
  }

  async removeMembers(chat: string, as: string, members: InteropParticipant[]): Promise<void> {
    await this.api.participants(chat, as, "remove", members);
  }

  async send(chat: string, as: string, body: InteropMessageBody, key: string): Promise<{ id: string; at: number }> {
    if (body.text === undefined && body.media === undefined) throw new SimnetRequestError(400, "invalid_argument", "a message needs a text or a file", undefined);
    checkText(body.text);
    const quoted = body.replyTo !== undefined ? { quoted: { id: body.replyTo } } : {};
    let content: MessageContent;
    if (body.media) {
      const { kind, data, mimeType, fileName } = body.media;
      // Checked here, as WhatsApp's own app does: the server sees no content to refuse.
      if (kind === "audio" && body.text !== undefined) throw new SimnetRequestError(400, "caption_not_supported", "WhatsApp audio carries no caption; send the text on its own", undefined);
      const sealed = encryptFile(data);
      const uploaded = await this.api.upload(WA_KINDS[kind], sealed.data);
      const media = { id: uploaded.id, kind: WA_KINDS[kind], key: sealed.key, sha256: sealed.sha256, enc_sha256: sealed.encSha256, mime: mimeType, size: data.length, ...(fileName ? { file_name: fileName } : {}) };
      content = kind === "audio" ? { type: "audio", ptt: false, media, ...quoted } : { type: WA_KINDS[kind] as "image" | "video" | "document", media, ...(body.text !== undefined ? { caption: body.text } : {}), ...quoted };
    } else {
      content = { type: "text", text: body.text ?? "", ...quoted };
    }
    const ack = await this.envelope(chat, as, "message", content, { id: messageIdFor(chat, as, key) });
    return { id: ack.id, at: ack.t };
  }

  async edit(chat: string, as: string, message: string, text: string): Promise<void> {
    checkText(text);
    await this.envelope(chat, as, "edit", { type: "edit", text }, { target: message });
  }

  async react(chat: string, as: string, message: string, emoji: string | null): Promise<void> {
    await this.envelope(chat, as, "reaction", { type: "reaction", emoji: emoji ?? "" }, { target: message, reactionRemoved: emoji === null });
  }

  async delete(chat: string, as: string, message: string): Promise<void> {
    await this.envelope(chat, as, "revoke", { type: "revoke" }, { target: message });
  }

  markRead(chat: string, as: string, upTo: string): Promise<void> {
    return this.api.read(chat, as, upTo);
  }

  typing(chat: string, as: string, typing: boolean): Promise<void> {
    return this.api.chatState(chat, as, typing ? "composing" : "paused");
  }

  async listen(onEvent: (event: InteropEvent) => Promise<void>): Promise<() => Promise<void>> {
    const keys: ProviderKeys = { cipher: this.cipher, keyOf: (device) => this.keyOf(device) };
    const realtime: WhatsappRealtime = new WhatsappRealtime({
      baseUrl: this.baseUrl,
      token: this.credentials.token,
      // Resolving acknowledges; a handler that rejects leaves the stanza to come again.
      onStanza: async (stanza) => {
        const event = await providerEvent(stanza, keys, this.api);
        if (event) await onEvent(event);
      },
      onLive: (stanza) => {
        if (stanza.type !== "chatstate") return;
        const event: InteropEvent = { type: "typing", chat: String(stanza.chat), who: stanza.from as InteropParticipant, typing: stanza.state !== "paused" };
        // Typing is live only: a handler's failure loses nothing worth delivering again.
        onEvent(event).catch(() => {});
      },
      onStatus: () => {},
    });
    await realtime.start();
    this.listeners.add(realtime);
    return async () => {
      this.listeners.delete(realtime);
      await realtime.close();
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.listeners].map((realtime) => realtime.close()));
    this.listeners.clear();
    this.api.http.close();
  }

  /** A device's public key: from the chats' device lists, or its user's, fetched once. */
  private async keyOf(device: string): Promise<string | undefined> {
    const known = this.deviceKeys.get(device);
    if (known !== undefined || isProviderDeviceJid(device)) return known;
    const parsed = parseUserDeviceName(device);
    if (!parsed) return undefined;
    for (const info of await this.api.userDevices(parsed.userId)) this.deviceKeys.set(info.jid, info.public_key);
    return this.deviceKeys.get(device);
  }

  private async devicesOf(chat: string): Promise<DeviceInfo[]> {
    const cached = this.chatDevices.get(chat);
    if (cached) return cached;
    const devices = await this.api.chatDevices(chat);
    this.remember(chat, devices);
    return devices;
  }

  private remember(chat: string, devices: DeviceInfo[]): void {
    this.chatDevices.set(chat, devices);
    for (const device of devices) this.deviceKeys.set(device.jid, device.public_key);
  }

  /** Seals `content` for every device of the chat (bound to both keys) and sends it as `as`. */
  private envelope(chat: string, as: string, kind: EnvelopeKind, content: EnvelopeContent, extra: { id?: string; target?: string; reactionRemoved?: boolean }): Promise<SendAck> {
    const id = extra.id ?? newMessageId();
    const plaintext = Buffer.from(JSON.stringify(content));
    return withDeviceList(
      () => this.devicesOf(chat),
      (devices) => this.remember(chat, devices),
      (devices) =>
        this.api.send({
          id,
          chat,
          as,
          kind,
          ...(extra.target !== undefined ? { target: extra.target } : {}),
          ...(kind === "reaction" ? { reaction_removed: extra.reactionRemoved === true } : {}),
          copies: Object.fromEntries(devices.map((d) => [d.jid, this.cipher.encrypt(d.public_key, plaintext, interopAad(id, this.cipher.publicKey, d.public_key))])),
        }),
    );
  }
}

export const whatsappInteropKit: InteropKit = {
  network: "whatsapp",

  async registerProvider(baseUrl, adminToken, name): Promise<WhatsappInteropCredentials> {
    const keys = generateDeviceKeys();
    const admin = new WhatsappAdminClient(baseUrl, adminToken);
    try {
      const provider = await admin.registerProvider(name, keys.publicKey);
      return { providerId: provider.id, token: provider.token, privateKey: exportPrivateKey(keys) };
    } finally {
      admin.close();
    }
  },

  async connect(baseUrl, credentials): Promise<InteropProvider> {
    if (!isCredentials(credentials)) throw new Error("not a WhatsApp provider's credentials (the private key is missing)");
    const provider = new WhatsappInteropProvider(baseUrl, credentials);
    try {
      // A revoked or unknown token fails here rather than at the first action.
      await provider.api.me();
    } catch (error) {
      await provider.close();
      throw error;
    }
    return provider;
  },
};
