/**
 * A provider's stanzas as the common face's events: envelopes are decrypted with the provider's
 * key and the sending device's (bound to both keys, see crypto.ts), their content turned into a
 * message body, an edit, a reaction or a delete; receipts become reads and notifications chat,
 * member, title, opt-in and opt-out events. Files are fetched and decrypted only when asked for.
 */
import type { InteropEvent, InteropIncomingBody, InteropMedia } from "../../client/interop.js";
import type { ProviderMessageStanza, ProviderNotificationStanza, ProviderReceiptStanza } from "../interop-protocol.js";
import type { MediaKind } from "../protocol.js";
import { describeContent, type EnvelopeContent, type MediaRef, type MessageContent } from "./content.js";
import { DecryptError, decryptFile, interopAad, type PairwiseCipher } from "./crypto.js";
import type { InteropApi } from "./interop-api.js";

/** WhatsApp's media kinds as the common face's (a sticker is an image; a voice note is audio). */
const FACE_KINDS: Record<MediaKind, InteropMedia["kind"]> = { image: "image", sticker: "image", video: "video", audio: "audio", ptt: "audio", document: "file" };

export interface ProviderKeys {
  cipher: PairwiseCipher;
  /** The public key of a device as the provider names it; undefined when it is not known. */
  keyOf(device: string): Promise<string | undefined>;
}

function bodyOf(content: MessageContent, api: InteropApi): InteropIncomingBody {
  const replyTo = content.quoted ? { replyTo: content.quoted.id } : {};
  if (content.type === "text") return { text: content.text, ...replyTo };
  if (!("media" in content)) return { text: describeContent(content), ...replyTo };
  const ref: MediaRef = content.media;
  const caption = "caption" in content && content.caption !== undefined ? { text: content.caption } : {};
  const media = {
    kind: FACE_KINDS[ref.kind],
    mimeType: ref.mime,
    ...(ref.file_name !== undefined ? { fileName: ref.file_name } : {}),
    download: async () => decryptFile(await api.download(ref.id), ref),
  };
  return { ...caption, media, ...replyTo };
}

async function open(keys: ProviderKeys, stanza: ProviderMessageStanza): Promise<EnvelopeContent | undefined> {
  const key = await keys.keyOf(stanza.from_device);
  try {
    if (!key) throw new DecryptError(`no public key known for ${stanza.from_device}`);
    return JSON.parse(keys.cipher.decrypt(key, stanza.ciphertext, interopAad(stanza.id, key, keys.cipher.publicKey)).toString("utf8")) as EnvelopeContent;
  } catch (error) {
    // Undecryptable stays undecryptable: skipped, as a WhatsApp device skips it. A failure to
    // fetch a key (above) is thrown instead, so the stanza comes again.
    if (error instanceof DecryptError || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

async function messageEvent(stanza: ProviderMessageStanza, keys: ProviderKeys, api: InteropApi): Promise<InteropEvent | undefined> {
  const content = await open(keys, stanza);
  if (!content) return undefined;
  const base = { chat: stanza.chat, sender: stanza.from, at: stanza.t };
  const target = stanza.target ?? "";
  switch (stanza.kind) {
    case "message":
      return { type: "message", ...base, id: stanza.id, body: bodyOf(content as MessageContent, api) };
    case "edit":
      return { type: "edit", ...base, id: target, text: content.type === "edit" ? content.text : "" };
    case "reaction": {
      const emoji = content.type === "reaction" ? content.emoji : "";
      return { type: "reaction", ...base, id: target, emoji: stanza.reaction_removed || emoji === "" ? null : emoji };
    }
    case "revoke":
      return { type: "delete", ...base, id: target };
  }
}

function notificationEvent(stanza: ProviderNotificationStanza): InteropEvent {
  switch (stanza.kind) {
    case "chat":
      return { type: "chat", chat: stanza.chat };
    case "members":
      return { type: "members", chat: stanza.chat, added: stanza.added, removed: stanza.removed, by: stanza.by };
    case "title":
      return { type: "title", chat: stanza.chat, title: stanza.title, by: stanza.by };
    case "opt_in":
      return { type: "opt_in", user: { id: stanza.user, name: stanza.name }, at: stanza.t };
    case "opt_out":
      return { type: "opt_out", user: stanza.user, at: stanza.t };
  }
}

/** The event a stored stanza carries; undefined for one that cannot be read. */
export async function providerEvent(stanza: Record<string, unknown>, keys: ProviderKeys, api: InteropApi): Promise<InteropEvent | undefined> {
  switch (stanza.type) {
    case "message":
      return messageEvent(stanza as unknown as ProviderMessageStanza, keys, api);
    case "receipt": {
      const receipt = stanza as unknown as ProviderReceiptStanza;
      return { type: "read", chat: receipt.chat, upTo: receipt.up_to, reader: receipt.from, at: receipt.t };
    }
    case "notification":
      return notificationEvent(stanza as unknown as ProviderNotificationStanza);
    default:
      return undefined;
  }
}
