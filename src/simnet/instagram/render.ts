/**
 * Stored rows as Instagram's API renders them: items with their reply summary and reactions,
 * timestamps in microseconds, and threads as one viewer sees them (the others as `users`, a
 * direct thread titled with the other person's username). Third-party contacts are users with a
 * `third_party` badge, and what they send carries it as `third_party_sender`.
 */
import type { ItemContent, ItemRow, Items } from "./items.js";
import type { People } from "./people.js";
import type { IgItem, IgThread } from "./protocol.js";
import type { ThreadRow, Threads } from "./threads.js";

export const micros = (ms: number) => ms * 1000;

export interface ItemPage {
  rows: ItemRow[];
  hasOlder: boolean;
}

export class Renderer {
  constructor(
    private readonly people: People,
    private readonly threads: Threads,
    private readonly items: Items,
  ) {}

  item(row: ItemRow): IgItem {
    const content = JSON.parse(row.content) as ItemContent;
    const item: IgItem = {
      item_id: row.item_id,
      user_id: row.user_id,
      timestamp: micros(row.timestamp),
      item_type: row.item_type,
      ...(row.client_context !== null ? { client_context: row.client_context } : {}),
      ...content,
    };
    if (row.replied_to !== null) item.replied_to_message = this.replySummary(row.replied_to);
    const reactions = this.items.reactions(row);
    if (reactions.length > 0) item.reactions = { emojis: reactions };
    if (row.edit_count > 0) item.edit_count = row.edit_count;
    return Object.assign(item, this.people.badge(row.user_id));
  }

  /** The item as `viewer` receives it. */
  forViewer(item: IgItem, viewer: string): IgItem {
    return { ...item, is_sent_by_viewer: item.user_id === viewer };
  }

  /** What a reply shows of the item it answers; an unsent original shows as such. */
  private replySummary(itemId: string): NonNullable<IgItem["replied_to_message"]> {
    const row = this.items.get(BigInt(itemId));
    if (!row) return { item_id: itemId, is_unsent: true };
    const content = JSON.parse(row.content) as ItemContent;
    const text = content.text ?? content.link?.text ?? content.reel_share?.text;
    return { item_id: row.item_id, user_id: row.user_id, item_type: row.item_type, ...(text !== undefined ? { text } : {}) };
  }

  thread(row: ThreadRow, viewer: string, page: ItemPage = { rows: [], hasOlder: false }): IgThread {
    const participants = this.threads.participants(row.thread_id);
    const others = participants.filter((p) => p.pk !== viewer).map((p) => this.people.user(p.pk));
    const isGroup = row.kind === "group";
    const items = page.rows.map((itemRow) => this.forViewer(this.item(itemRow), viewer));
    return {
      thread_id: row.thread_id,
      thread_v2_id: row.thread_id,
      thread_type: isGroup ? "group" : "private",
      is_group: isGroup,
      thread_title: isGroup ? (row.title ?? others.map((u) => u.username).join(", ")) : (others[0]?.username ?? ""),
      named: isGroup && row.title !== null,
      viewer_id: viewer,
      users: others,
      admin_user_ids: participants.filter((p) => p.isAdmin).map((p) => p.pk),
      inviter: this.people.user(row.creator),
      last_activity_at: micros(row.last_activity_at),
      last_seen_at: Object.fromEntries(
        participants.flatMap((p) => (p.seenItemId !== null && p.seenAt !== null ? [[p.pk, { item_id: p.seenItemId, timestamp: micros(p.seenAt) }]] : [])),
      ),
      items,
      has_older: page.hasOlder,
      oldest_cursor: items[items.length - 1]?.item_id ?? null,
      newest_cursor: items[0]?.item_id ?? null,
    };
  }
}
