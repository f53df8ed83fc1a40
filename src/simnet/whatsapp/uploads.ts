/**
 * Encrypted files: a device (or a third-party provider) uploads a file it sealed under its own
 * key, within the limit for its kind, and anyone who holds the id fetches the ciphertext; the
 * key travels only inside the encrypted message.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { decodeBase64 } from "../core/media.js";
import { badRequest } from "../core/protocol-error.js";
import { parse } from "../core/validate.js";
import type { Wa } from "./context.js";
import { CIPHER_OVERHEAD, MEDIA_KINDS, type MediaKind } from "./protocol.js";

const uploadSchema = z.object({ kind: z.enum(MEDIA_KINDS as [MediaKind, ...MediaKind[]]), data: z.string() });

export function storeUpload(wa: Wa, owner: string, body: unknown): { id: string; kind: MediaKind; size: number; enc_sha256: string } {
  const upload = parse(uploadSchema, body, "upload");
  const data = decodeBase64(upload.data, wa.options.mediaLimits[upload.kind] + CIPHER_OVERHEAD);
  if (data.length <= CIPHER_OVERHEAD) throw badRequest("invalid_media", "an upload is an encrypted file: nonce, ciphertext and tag");
  const stored = wa.media.put(owner, `application/x-whatsapp-${upload.kind}-enc`, data, "wa");
  return { id: stored.id, kind: upload.kind, size: stored.size, enc_sha256: createHash("sha256").update(data).digest("base64") };
}

export function fetchUpload(wa: Wa, id: string): { id: string; size: number; data: string } {
  const media = wa.media.require(id);
  return { id: media.id, size: media.size, data: media.data.toString("base64") };
}
