/**
 * The sending half of a device: seals an envelope's content once per device of the chat (the
 * server says which, when the cached list is stale), and hands it over on the realtime socket,
 * on a passive socket opened for sending, or over HTTP; the client-chosen id makes a retry
 * over another path safe. Files are sealed under their own key and uploaded. In a third-party
 * chat the provider's device gets a copy without phone numbers (provider-copy.ts), bound to the
 * two devices' keys.
 */
import { randomBytes } from "node:crypto";
import { SimnetRequestError } from "../../client/http.js";
import type { FrameSocket } from "../../client/socket.js";
import type { DeviceInfo, EnvelopeKind, MediaKind, OutgoingEnvelope, SendAck } from "../protocol.js";
import type { WhatsappApi } from "./api.js";
import type { EnvelopeContent, MediaRef } from "./content.js";
import { encryptFile, interopAad, payloadAad, type PairwiseCipher } from "./crypto.js";
import { isProviderDeviceJid } from "../interop-protocol.js";
import { phoneOf } from "../protocol.js";
import { mentionedIn, providerCopy } from "./provider-copy.js";
import type { DeviceDirectory } from "./directory.js";
import type { WhatsappSession } from "./login.js";
import { openPassive, type WhatsappRealtime } from "./realtime.js";
import type { RequestTracker } from "./requests.js";

export const newMessageId = () => `3EB0${randomBytes(9).toString("hex").toUpperCase()}`;

/**
 * Sends what `send` seals for the chat's devices as last known; when they changed since (the
 * server refuses with `device_list_mismatch` and the right list), seals for that list and again.
 */
export async function withDeviceList<T>(known: () => Promise<DeviceInfo[]>, replace: (devices: DeviceInfo[]) => void, send: (devices: DeviceInfo[]) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send(await known());
    } catch (error) {
      if (!(error instanceof SimnetRequestError) || error.code !== "device_list_mismatch" || attempt >= 2) throw error;
      replace((error.body as { error: { devices: DeviceInfo[] } }).error.devices);
    }
  }
}

export interface OutboxDeps {
  session: WhatsappSession;
  api: WhatsappApi;
  cipher: PairwiseCipher;
  directory: DeviceDirectory;
  requests: RequestTracker;
  passiveSends: boolean;
  /** The device's stanza connection, if open. */
  realtime(): WhatsappRealtime | undefined;
}

export class Outbox {
  private passive: Promise<FrameSocket | undefined> | undefined;

  constructor(private readonly deps: OutboxDeps) {}

  async send(chat: string, kind: EnvelopeKind, content: EnvelopeContent, extra: { id?: string | undefined; target?: string; reactionRemoved?: boolean }): Promise<SendAck> {
    const id = extra.id ?? newMessageId();
    const plaintext = Buffer.from(JSON.stringify(content));
    const { directory } = this.deps;
    return withDeviceList(
      () => directory.forChat(chat),
      (devices) => directory.setChat(chat, devices),
      async (devices) =>
        this.deliver({
          id,
          to: chat,
          kind,
          ...(extra.target !== undefined ? { target: extra.target } : {}),
          ...(kind === "reaction" ? { reaction_removed: extra.reactionRemoved === true } : {}),
          copies: await this.seal(id, devices, content, plaintext),
        }),
    );
  }

  private async seal(id: string, devices: DeviceInfo[], content: EnvelopeContent, plaintext: Buffer): Promise<Record<string, string>> {
    const { cipher } = this.deps;
    const copies: Record<string, string> = {};
    let forProvider: Buffer | undefined;
    for (const device of devices) {
      if (isProviderDeviceJid(device.jid)) {
        forProvider ??= Buffer.from(JSON.stringify(providerCopy(content, await this.names(mentionedIn(content)))));
        copies[device.jid] = cipher.encrypt(device.public_key, forProvider, interopAad(id, cipher.publicKey, device.public_key));
      } else {
        copies[device.jid] = cipher.encrypt(device.public_key, plaintext, payloadAad(id, this.deps.session.deviceJid, device.jid));
      }
    }
    return copies;
  }

  /** The push names of mentioned people, which a provider's copy shows instead of their numbers. */
  private async names(jids: string[]): Promise<Map<string, string>> {
    if (jids.length === 0) return new Map();
    const results = await this.deps.api.lookup(jids.map(phoneOf));
    return new Map(results.flatMap((r) => (r.jid !== undefined && r.push_name !== undefined ? [[r.jid, r.push_name] as const] : [])));
  }

  /** The passive socket for sending while not connected, opened on first use. */
  private passiveSocket(): Promise<FrameSocket | undefined> {
    if (!this.deps.passiveSends) return Promise.resolve(undefined);
    this.passive ??= openPassive(
      this.deps.session.baseUrl,
      this.deps.session.token,
      (frame) => this.deps.requests.settle(frame),
      () => {
        this.passive = undefined;
        this.deps.requests.failAll();
      },
    ).catch(() => {
      this.passive = undefined;
      return undefined;
    });
    return this.passive;
  }

  /** Over a socket (the stanza stream's, or a passive one); over HTTP if that fails. */
  private async deliver(envelope: OutgoingEnvelope): Promise<SendAck> {
    const current = this.deps.realtime();
    const realtime = current?.connected ? current : undefined;
    const passive = realtime ? undefined : await this.passiveSocket();
    if (realtime || passive?.isOpen) {
      const reply = this.deps.requests.track(envelope.id);
      const frame = { type: "message", ...envelope };
      if (realtime) realtime.send(frame);
      else passive?.send(frame);
      try {
        const sent = await reply;
        return { id: String(sent.id), chat: String(sent.chat), kind: sent.kind as EnvelopeKind, t: Number(sent.t) };
      } catch (error) {
        // Refused by the server: final. Lost with the connection: retried over HTTP, same id.
        if (error instanceof SimnetRequestError) throw error;
      }
    }
    return this.deps.api.send(envelope);
  }

  async upload(kind: MediaKind, data: Buffer, mime: string, fileName?: string): Promise<MediaRef> {
    const sealed = encryptFile(data);
    const uploaded = await this.deps.api.upload(kind, sealed.data);
    return { id: uploaded.id, kind, key: sealed.key, sha256: sealed.sha256, enc_sha256: sealed.encSha256, mime, size: data.length, ...(fileName ? { file_name: fileName } : {}) };
  }

  async close(): Promise<void> {
    const passive = this.passive;
    this.passive = undefined;
    await (await passive)?.close();
  }
}
