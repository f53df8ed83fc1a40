/**
 * The sending half of a device: seals an envelope's content once per device of the chat (the
 * server says which, when the cached list is stale), and hands it over on the realtime socket,
 * on a passive socket opened for sending, or over HTTP; the client-chosen id makes a retry
 * over another path safe. Files are sealed under their own key and uploaded.
 */
import { randomBytes } from "node:crypto";
import { SimnetRequestError } from "../../client/http.js";
import type { FrameSocket } from "../../client/socket.js";
import type { DeviceInfo, EnvelopeKind, MediaKind, OutgoingEnvelope, SendAck } from "../protocol.js";
import type { WhatsappApi } from "./api.js";
import type { EnvelopeContent, MediaRef } from "./content.js";
import { encryptFile, payloadAad, type PairwiseCipher } from "./crypto.js";
import type { DeviceDirectory } from "./directory.js";
import type { WhatsappSession } from "./login.js";
import { openPassive, type WhatsappRealtime } from "./realtime.js";
import type { RequestTracker } from "./requests.js";

export const newMessageId = () => `3EB0${randomBytes(9).toString("hex").toUpperCase()}`;

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
    for (let attempt = 0; ; attempt++) {
      const devices = await this.deps.directory.forChat(chat);
      const envelope: OutgoingEnvelope = {
        id,
        to: chat,
        kind,
        ...(extra.target !== undefined ? { target: extra.target } : {}),
        ...(kind === "reaction" ? { reaction_removed: extra.reactionRemoved === true } : {}),
        copies: this.seal(id, devices, plaintext),
      };
      try {
        return await this.deliver(envelope);
      } catch (error) {
        // The chat's devices changed since they were cached: the server says which they are.
        if (!(error instanceof SimnetRequestError) || error.code !== "device_list_mismatch" || attempt >= 2) throw error;
        this.deps.directory.setChat(chat, (error.body as { error: { devices: DeviceInfo[] } }).error.devices);
      }
    }
  }

  private seal(id: string, devices: DeviceInfo[], plaintext: Buffer): Record<string, string> {
    const copies: Record<string, string> = {};
    for (const device of devices) copies[device.jid] = this.deps.cipher.encrypt(device.public_key, plaintext, payloadAad(id, this.deps.session.deviceJid, device.jid));
    return copies;
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
