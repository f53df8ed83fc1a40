/**
 * Uploaded attachments: the bytes sit in the core media store, the declared kind and file name
 * here. Metadata reads never load the bytes, so checking a send's attachments stays cheap.
 */
import type { SimnetDatabase } from "../../core/database.js";
import type { MediaStore } from "../../core/media.js";
import type { AttachmentKind, WireAttachment } from "../protocol.js";

export interface StoredAttachment extends WireAttachment {
  owner: string;
}

interface Row {
  id: string;
  owner: string;
  mime: string;
  size: number;
  kind: AttachmentKind;
  filename: string | null;
}

export class Attachments {
  private readonly insertInfo;
  private readonly selectInfo;

  constructor(
    db: SimnetDatabase,
    private readonly media: MediaStore,
  ) {
    this.insertInfo = db.prepare<[string, AttachmentKind, string | null]>("INSERT INTO attachment_info (media, kind, filename) VALUES (?, ?, ?)");
    this.selectInfo = db.prepare<[string], Row>(
      `SELECT m.id, m.owner, m.mime, m.size, i.kind, i.filename
       FROM media m JOIN attachment_info i ON i.media = m.id WHERE m.id = ?`,
    );
  }

  add(owner: string, kind: AttachmentKind, mime: string, filename: string | null, data: Buffer): StoredAttachment {
    const stored = this.media.put(owner, mime, data, "att.");
    this.insertInfo.run(stored.id, kind, filename);
    return { id: stored.id, owner, kind, mime, size: stored.size, filename };
  }

  get(id: string): StoredAttachment | undefined {
    const row = this.selectInfo.get(id);
    return row ? { id: row.id, owner: row.owner, kind: row.kind, mime: row.mime, size: row.size, filename: row.filename } : undefined;
  }

  data(id: string): Buffer | undefined {
    return this.media.get(id)?.data;
  }
}

export function toWireAttachment(attachment: StoredAttachment): WireAttachment {
  return { id: attachment.id, kind: attachment.kind, mime: attachment.mime, size: attachment.size, filename: attachment.filename };
}
