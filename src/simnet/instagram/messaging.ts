/**
 * What a participant does to items: send (idempotent by client_context), edit (own text within
 * 15 minutes), unsend (own, any time), react (one emoji per person per item) and mark seen.
 * Each change and its patches to every participant's stream (and to the provider of a
 * third-party chat) commit in one transaction.
 */
import { badRequest } from "../core/protocol-error.js";
import type { BuiltContent } from "./content.js";
import { checkEmoji, textContent } from "./content.js";
import type { Instagram } from "./context.js";
import { forbidden } from "./errors.js";
import type { ItemRow } from "./items.js";
import { LIMITS, paths, type IgItem, type IgReaction } from "./protocol.js";
import { micros } from "./render.js";

export interface SendRequest {
  sender: string;
  threadId: string;
  clientContext?: string;
  repliedTo?: bigint;
  /** Builds (and checks) the content once the thread's members are known. */
  build(members: string[]): BuiltContent;
}

export class Messaging {
  constructor(private readonly ig: Instagram) {}

  /** Every check comes before the first write: `grouped` relies on it. */
  send(request: SendRequest): Promise<IgItem> {
    const { ig } = this;
    const { sender, threadId } = request;
    return ig.grouped(
      () =>
        ig.idempotency.once(`send:${sender}`, request.clientContext, () => {
          const members = ig.threads.requireMembers(threadId, sender);
          const built = request.build(members);
          if (request.repliedTo !== undefined) this.checkReplyTarget(threadId, request.repliedTo);
          ig.limits.takeSend(sender);
          const row = this.store(threadId, sender, built, request.clientContext ?? null, request.repliedTo ?? null);
          const item = this.publishItem(row, members);
          ig.feed.item(row, members);
          return ig.render.forViewer(item, sender);
        }).result,
    );
  }

  private checkReplyTarget(threadId: string, itemId: bigint): void {
    const target = this.ig.items.get(itemId);
    if (!target || target.thread_id !== threadId) throw badRequest("replied_to_item_not_found", `there is no item ${itemId} in this thread to reply to`);
    if (target.item_type === "action_log") throw badRequest("invalid_reply_target", "a thread event cannot be replied to");
  }

  /** Stores an item and touches the thread; the caller publishes it. */
  store(threadId: string, sender: string, built: BuiltContent, clientContext: string | null, repliedTo: bigint | null): ItemRow {
    const now = this.ig.now();
    const row = this.ig.items.insert({ id: this.ig.ids.next(), threadId, userId: sender, type: built.type, clientContext, timestamp: now, content: built.content, repliedTo });
    this.ig.threads.touch(threadId, now);
    return row;
  }

  /** Sends the item to everyone in the thread as an `add` patch; returns it as rendered. */
  publishItem(row: ItemRow, members: string[]): IgItem {
    const item = this.ig.render.item(row);
    const path = paths.item(row.thread_id, row.item_id);
    this.ig.publishEach(members, (pk) => [{ op: "add", path, value: this.ig.render.forViewer(item, pk) }]);
    return item;
  }

  /** An item of the sender's they may still change. */
  private ownItem(sender: string, threadId: string, itemId: bigint, verb: "edit" | "unsend"): ItemRow {
    this.ig.threads.requireMember(threadId, sender);
    const row = this.ig.items.require(threadId, itemId);
    if (row.item_type === "action_log") throw badRequest("not_editable", `you cannot ${verb} a thread event`);
    if (row.user_id !== sender) throw forbidden("not_sender", `only the sender can ${verb} this message`);
    return row;
  }

  edit(sender: string, threadId: string, itemId: bigint, text: string): IgItem {
    const { ig } = this;
    return ig.transaction(() => {
      const row = this.ownItem(sender, threadId, itemId, "edit");
      if (row.item_type !== "text" && row.item_type !== "link") throw badRequest("not_editable", "only text messages can be edited");
      if (ig.now() - row.timestamp > LIMITS.editWindowMs) throw badRequest("edit_window_expired", "Messages can only be edited within 15 minutes of sending.");
      const built = textContent(text);
      ig.limits.takeAction(sender);
      ig.items.update(itemId, built.type, built.content, row.edit_count + 1);
      const item = ig.render.item(ig.items.get(itemId)!);
      ig.feed.edited(row, text);
      const path = paths.item(threadId, row.item_id);
      ig.publishEach(ig.threads.memberPks(threadId), (pk) => [{ op: "replace", path, value: ig.render.forViewer(item, pk) }]);
      return ig.render.forViewer(item, sender);
    });
  }

  unsend(sender: string, threadId: string, itemId: bigint): void {
    const { ig } = this;
    ig.transaction(() => {
      const row = this.ownItem(sender, threadId, itemId, "unsend");
      ig.limits.takeAction(sender);
      ig.items.remove(itemId);
      const path = paths.item(threadId, row.item_id);
      ig.publishEach(ig.threads.memberPks(threadId), () => [{ op: "remove", path, value: row.item_id }]);
      ig.feed.unsent(row);
    });
  }

  /** Sets (or with null removes) `sender`'s reaction; returns whether anything changed. */
  react(sender: string, threadId: string, itemId: bigint, emoji: string | null): boolean {
    const { ig } = this;
    if (emoji !== null) checkEmoji(emoji);
    return ig.transaction(() => {
      ig.threads.requireMember(threadId, sender);
      const row = ig.items.require(threadId, itemId);
      if (row.item_type === "action_log") throw badRequest("not_reactable", "a thread event cannot be reacted to");
      const reactions = ig.items.reactions(row);
      const existing = reactions.find((r) => r.sender_id === sender);
      if (existing?.emoji === emoji || (!existing && emoji === null)) return false;
      ig.limits.takeAction(sender);
      const others = reactions.filter((r) => r.sender_id !== sender);
      const reaction: IgReaction | undefined = emoji === null ? undefined : { sender_id: sender, emoji, timestamp: micros(ig.now()) };
      ig.items.setReactions(itemId, reaction ? [...others, reaction] : others);
      const path = paths.reaction(threadId, row.item_id, sender);
      const op = reaction ? (existing ? "replace" : "add") : "remove";
      const value = { ...(reaction ?? { sender_id: sender }), ...ig.people.badge(sender) };
      ig.publishEach(ig.threads.memberPks(threadId), () => [{ op, path, value }]);
      ig.feed.reaction(threadId, row.item_id, sender, emoji);
      return true;
    });
  }

  /** Moves the reader's seen marker to `itemId`; never backwards. Returns whether it moved. */
  seen(reader: string, threadId: string, itemId: bigint): boolean {
    const { ig } = this;
    return ig.transaction(() => {
      ig.threads.requireMember(threadId, reader);
      const row = ig.items.require(threadId, itemId);
      const now = ig.now();
      if (!ig.threads.setSeen(threadId, reader, itemId, now)) return false;
      const value = { item_id: row.item_id, timestamp: micros(now), ...ig.people.badge(reader) };
      ig.publishEach(ig.threads.memberPks(threadId), () => [{ op: "replace", path: paths.seen(threadId, reader), value }]);
      ig.feed.seen(threadId, row.item_id, reader);
      return true;
    });
  }
}
