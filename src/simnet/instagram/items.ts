/**
 * Stored thread items. The type-specific part (text, link, media, share...) is kept as the JSON
 * Instagram renders for it; reactions sit on the item's row so a page of history is one query.
 */
import type { SimnetDatabase } from "../core/database.js";
import { notFound } from "./errors.js";
import type { IgItem, IgItemType, IgReaction } from "./protocol.js";

export interface ItemRow {
  item_id: string;
  thread_id: string;
  user_id: string;
  item_type: IgItemType;
  client_context: string | null;
  timestamp: number;
  content: string;
  replied_to: string | null;
  edit_count: number;
  reactions: string | null;
}

/** The type-specific fields of an item, e.g. `{ text }` or `{ media_share: {...} }`. */
export type ItemContent = Partial<Omit<IgItem, "item_id" | "user_id" | "timestamp" | "item_type">>;

const COLUMNS =
  "CAST(item_id AS TEXT) AS item_id, thread_id, user_id, item_type, client_context, timestamp, content, CAST(replied_to AS TEXT) AS replied_to, edit_count, reactions";

export interface NewItem {
  id: bigint;
  threadId: string;
  userId: string;
  type: IgItemType;
  clientContext: string | null;
  timestamp: number;
  content: ItemContent;
  repliedTo: bigint | null;
}

export class Items {
  private readonly s;

  constructor(db: SimnetDatabase) {
    this.s = {
      insert: db.prepare<[bigint, string, string, string, string | null, number, string, bigint | null]>(
        "INSERT INTO items (item_id, thread_id, user_id, item_type, client_context, timestamp, content, replied_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      ),
      get: db.prepare<[bigint], ItemRow>(`SELECT ${COLUMNS} FROM items WHERE item_id = ?`),
      pageFirst: db.prepare<[string, number], ItemRow>(`SELECT ${COLUMNS} FROM items WHERE thread_id = ? ORDER BY item_id DESC LIMIT ?`),
      pageBefore: db.prepare<[string, bigint, number], ItemRow>(
        `SELECT ${COLUMNS} FROM items WHERE thread_id = ? AND item_id < ? ORDER BY item_id DESC LIMIT ?`,
      ),
      all: db.prepare<[string], ItemRow>(`SELECT ${COLUMNS} FROM items WHERE thread_id = ? ORDER BY item_id`),
      update: db.prepare<[string, string, number, bigint]>("UPDATE items SET item_type = ?, content = ?, edit_count = ? WHERE item_id = ?"),
      remove: db.prepare<[bigint]>("DELETE FROM items WHERE item_id = ?"),
      setReactions: db.prepare<[string | null, bigint]>("UPDATE items SET reactions = ? WHERE item_id = ?"),
      largest: db.prepare<[], { id: string | null }>("SELECT CAST(MAX(item_id) AS TEXT) AS id FROM items"),
    };
  }

  /** Stores the item and returns its row, without reading it back. */
  insert(item: NewItem): ItemRow {
    const content = JSON.stringify(item.content);
    this.s.insert.run(item.id, item.threadId, item.userId, item.type, item.clientContext, item.timestamp, content, item.repliedTo);
    return {
      item_id: item.id.toString(),
      thread_id: item.threadId,
      user_id: item.userId,
      item_type: item.type,
      client_context: item.clientContext,
      timestamp: item.timestamp,
      content,
      replied_to: item.repliedTo === null ? null : item.repliedTo.toString(),
      edit_count: 0,
      reactions: null,
    };
  }

  get(id: bigint): ItemRow | undefined {
    return this.s.get.get(id);
  }

  /** The item, if it is in `threadId`. */
  require(threadId: string, id: bigint): ItemRow {
    const row = this.s.get.get(id);
    if (!row || row.thread_id !== threadId) throw notFound("item_not_found", `Item not found in this thread: ${id}`);
    return row;
  }

  /** Newest first, before `before` if given; one row more than `limit` tells the caller there are older ones. */
  page(threadId: string, before: bigint | undefined, limit: number): ItemRow[] {
    return before === undefined ? this.s.pageFirst.all(threadId, limit + 1) : this.s.pageBefore.all(threadId, before, limit + 1);
  }

  all(threadId: string): ItemRow[] {
    return this.s.all.all(threadId);
  }

  update(id: bigint, type: IgItemType, content: ItemContent, editCount: number): void {
    this.s.update.run(type, JSON.stringify(content), editCount, id);
  }

  remove(id: bigint): void {
    this.s.remove.run(id);
  }

  reactions(row: ItemRow): IgReaction[] {
    return row.reactions ? (JSON.parse(row.reactions) as IgReaction[]) : [];
  }

  setReactions(id: bigint, reactions: IgReaction[]): void {
    this.s.setReactions.run(reactions.length > 0 ? JSON.stringify(reactions) : null, id);
  }

  largestId(): bigint {
    const id = this.s.largest.get()?.id;
    return id ? BigInt(id) : 0n;
  }
}
