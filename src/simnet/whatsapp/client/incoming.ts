/**
 * Turns stored stanzas into client events (and history entries into messages): decrypts each message envelope with the pairwise
 * key of the sending device, emits it by kind, and queues a `delivered` receipt for what others
 * sent (WhatsApp sends it once the device has decrypted the message). Stored stanzas are
 * emitted with `emitAsync`: the realtime connection acknowledges a stanza only once its
 * listeners have finished with it, and not at all if one of them failed.
 */
import type { HistoryEntry, MessageStanza, NotificationStanza, ReceiptStanza } from "../protocol.js";
import type { EnvelopeContent, MessageContent } from "./content.js";
import { DecryptError, interopAad, payloadAad, type PairwiseCipher } from "./crypto.js";
import { isProviderDeviceJid } from "../interop-protocol.js";
import type { DeviceDirectory } from "./directory.js";
import type { Emitter } from "../../client/emitter.js";
import type { Routed, WhatsappEvents } from "./events.js";

export interface IncomingContext {
  deviceJid: string;
  cipher: PairwiseCipher;
  directory: DeviceDirectory;
  events: Emitter<WhatsappEvents>;
  delivered(chat: string, id: string): void;
}

/** Decrypts one device copy of an envelope (a provider's copies are bound to the two keys). */
export async function openEnvelope(context: IncomingContext, id: string, fromDevice: string, ciphertext: string): Promise<EnvelopeContent> {
  const key = await context.directory.keyOf(fromDevice);
  if (!key) throw new DecryptError(`no public key known for ${fromDevice}`);
  const aad = isProviderDeviceJid(fromDevice) ? interopAad(id, key, context.cipher.publicKey) : payloadAad(id, fromDevice, context.deviceJid);
  const plaintext = context.cipher.decrypt(key, ciphertext, aad);
  return JSON.parse(plaintext.toString("utf8")) as EnvelopeContent;
}

async function onMessage(context: IncomingContext, stanza: MessageStanza): Promise<void> {
  let content: EnvelopeContent;
  try {
    content = await openEnvelope(context, stanza.id, stanza.from_device, stanza.ciphertext);
  } catch (error) {
    // Looking up the sender's keys can fail on the network: that stanza must come again, not
    // be skipped as undecryptable (the realtime does not acknowledge a stanza that throws).
    if (!(error instanceof DecryptError) && !(error instanceof SyntaxError)) throw error;
    context.events.emit("decrypt_error", { stanza, error });
    return;
  }
  const routed = {
    id: stanza.id,
    chat: stanza.chat,
    from: stanza.from,
    fromDevice: stanza.from_device,
    fromMe: stanza.from_me,
    t: stanza.t,
    ...(stanza.third_party ? { thirdParty: stanza.third_party } : {}),
  };
  const target = stanza.target ?? "";
  switch (stanza.kind) {
    case "message":
      await context.events.emitAsync("message", { ...routed, content: content as MessageContent });
      if (!stanza.from_me) context.delivered(stanza.chat, stanza.id);
      return;
    case "edit": {
      const edit = content as Extract<EnvelopeContent, { type: "edit" }>;
      await context.events.emitAsync("edit", { ...routed, target, text: edit.text, ...(edit.mentions ? { mentions: edit.mentions } : {}) });
      return;
    }
    case "revoke":
      await context.events.emitAsync("revoke", { ...routed, target });
      return;
    case "reaction":
      await context.events.emitAsync("reaction", { ...routed, target, emoji: stanza.reaction_removed ? "" : (content as { emoji?: string }).emoji ?? "" });
  }
}

export async function handleStanza(context: IncomingContext, stanza: Record<string, unknown>): Promise<void> {
  switch (stanza.type) {
    case "message":
      return onMessage(context, stanza as unknown as MessageStanza);
    case "receipt":
      await context.events.emitAsync("receipt", stanza as unknown as ReceiptStanza);
      return;
    case "notification": {
      const notification = stanza as unknown as NotificationStanza;
      // Who is in a chat, or which devices someone has, changed: encrypt for the new list.
      if (notification.kind === "group" && typeof notification.group === "string") context.directory.forgetChat(notification.group);
      if (notification.kind === "devices") context.directory.forgetChats();
      await context.events.emitAsync("notification", notification);
    }
  }
}

export interface HistoryMessage extends Routed {
  /** Undefined when deleted for everyone or undecryptable (see `error`). */
  content?: MessageContent;
  /** The latest edit's text, if edited. */
  editedText?: string;
  revoked?: { at: number; by: string };
  error?: string;
}

/** Decrypts a history entry (and its latest edit) for this device. */
export async function decryptEntry(context: IncomingContext, entry: HistoryEntry): Promise<HistoryMessage> {
  const base: HistoryMessage = { id: entry.id, chat: entry.chat, from: entry.from, fromDevice: entry.from_device, fromMe: entry.from_me, t: entry.t };
  if (entry.revoked) return { ...base, revoked: entry.revoked };
  try {
    const content = (await openEnvelope(context, entry.id, entry.from_device, entry.ciphertext ?? "")) as MessageContent;
    const edit = entry.edit?.ciphertext ? ((await openEnvelope(context, entry.edit.id, entry.from_device, entry.edit.ciphertext)) as { text?: string }) : undefined;
    return { ...base, content, ...(edit?.text !== undefined ? { editedText: edit.text } : {}) };
  } catch (error) {
    return { ...base, error: String(error) };
  }
}
