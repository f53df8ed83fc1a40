/**
 * Uploaded media. Clients send the bytes base64 in a JSON body and get an id to put in a
 * message; each network sets its own size limits per kind. On WhatsApp the bytes are already
 * encrypted by the client, so the server stores and serves ciphertext it cannot read.
 */
import { randomBytes } from "node:crypto";
import type { SchemaStep, SimnetDatabase } from "./database.js";
import { badRequest, ProtocolError } from "./protocol-error.js";

export const mediaSchema: SchemaStep = (db) => {
  db.exec(`
    CREATE TABLE media (
      id         TEXT PRIMARY KEY,
      owner      TEXT NOT NULL,
      mime       TEXT NOT NULL,
      size       INTEGER NOT NULL,
      data       BLOB NOT NULL,
      created_at INTEGER NOT NULL
    ) WITHOUT ROWID;
  `);
};

export interface StoredMedia {
  id: string;
  owner: string;
  mime: string;
  size: number;
  data: Buffer;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes a base64 field, refusing anything that is not base64 or is larger than `maxBytes`. */
export function decodeBase64(value: string, maxBytes: number, field = "data"): Buffer {
  if (value.length % 4 !== 0 || !BASE64.test(value)) throw badRequest("invalid_media", `'${field}' must be base64`);
  // Checked before decoding so an oversize upload costs no allocation.
  if ((value.length / 4) * 3 - (value.endsWith("==") ? 2 : value.endsWith("=") ? 1 : 0) > maxBytes) {
    throw new ProtocolError(413, "media_too_large", `'${field}' is larger than the ${maxBytes} bytes allowed`, { max_bytes: maxBytes });
  }
  return Buffer.from(value, "base64");
}

export class MediaStore {
  private readonly insert;
  private readonly select;

  constructor(
    db: SimnetDatabase,
    private readonly now: () => number,
  ) {
    this.insert = db.prepare<[string, string, string, number, Buffer, number]>(
      "INSERT INTO media (id, owner, mime, size, data, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.select = db.prepare<[string], StoredMedia>("SELECT id, owner, mime, size, data FROM media WHERE id = ?");
  }

  put(owner: string, mime: string, data: Buffer, idPrefix = "m"): StoredMedia {
    const id = `${idPrefix}${randomBytes(12).toString("hex")}`;
    this.insert.run(id, owner, mime, data.length, data, this.now());
    return { id, owner, mime, size: data.length, data };
  }

  get(id: string): StoredMedia | undefined {
    return this.select.get(id);
  }

  /** The media, or a 404 naming the id. */
  require(id: string): StoredMedia {
    const media = this.get(id);
    if (!media) throw new ProtocolError(404, "media_not_found", `no media with id '${id}'`);
    return media;
  }
}
