/**
 * Creating threads and changing groups. A direct thread between two people is created once and
 * found again after; a group has a title and admins, only admins add or remove people or
 * appoint admins, anyone may rename it or leave. Each group change is an `action_log` item in
 * the thread plus a thread patch to everyone concerned, as in the app.
 */
import { badRequest } from "../core/protocol-error.js";
import type { Instagram } from "./context.js";
import { forbidden } from "./errors.js";
import { checkJoining } from "./interop/joining.js";
import type { Messaging } from "./messaging.js";
import { LIMITS, paths, type IgPatch, type IgThread } from "./protocol.js";
import type { ThreadRow } from "./threads.js";

export function checkTitle(title: string): string {
  const trimmed = title.trim();
  if (trimmed.length === 0 || [...trimmed].length > LIMITS.groupTitleMaxChars) {
    throw badRequest("invalid_title", `a group title has 1 to ${LIMITS.groupTitleMaxChars} characters`);
  }
  return trimmed;
}

export interface GroupSpec {
  creator: string;
  members: string[];
  admins: string[];
  title: string | null;
  /** Makes a retried creation return the first group rather than make a second. */
  clientContext?: string;
}

export class Conversations {
  constructor(
    private readonly ig: Instagram,
    private readonly messaging: Messaging,
  ) {}

  /** The direct thread between `viewer` and `other`, created (and announced to both) if new. */
  direct(viewer: string, other: string, limited = true): IgThread {
    const { ig } = this;
    if (viewer === other) throw badRequest("invalid_recipient", "a direct thread is with someone else");
    ig.people.require(other);
    return ig.transaction(() => {
      const existing = ig.threads.findDirect(viewer, other);
      if (existing) return ig.render.thread(ig.threads.get(existing)!, viewer);
      if (limited) ig.limits.takeAction(viewer);
      const threadId = ig.threads.create("direct", viewer, null, [
        { pk: viewer, isAdmin: false },
        { pk: other, isAdmin: false },
      ]);
      const row = ig.threads.get(threadId)!;
      ig.publishEach([viewer, other], (pk) => [{ op: "add", path: paths.thread(threadId), value: ig.render.thread(row, pk) }]);
      return ig.render.thread(row, viewer);
    });
  }

  /** A new group; `limited` is false for the admin API. */
  group(spec: GroupSpec, limited = true): IgThread {
    const { ig } = this;
    const members = [...new Set([spec.creator, ...spec.members])];
    if (members.length < 2) throw badRequest("not_enough_participants", "a group needs at least one other person");
    if (members.length > LIMITS.groupMaxParticipants) throw badRequest("too_many_participants", `a group has at most ${LIMITS.groupMaxParticipants} people`);
    for (const pk of members) ig.people.require(pk);
    const admins = new Set(spec.admins.length > 0 ? spec.admins : [spec.creator]);
    for (const pk of admins) if (!members.includes(pk)) throw badRequest("not_participant", `admin ${pk} is not among the members`);
    const title = spec.title === null ? null : checkTitle(spec.title);
    const threadId = ig.transaction(
      () =>
        ig.idempotency.once(`group:${spec.creator}`, spec.clientContext, () => {
          if (limited) ig.limits.takeAction(spec.creator);
          const created = ig.threads.create("group", spec.creator, title, members.map((pk) => ({ pk, isAdmin: admins.has(pk) })));
          this.announce(created, spec.creator, `${this.name(spec.creator)} created the group.`, { added: members });
          return created;
        }).result,
    );
    return ig.render.thread(ig.threads.get(threadId)!, spec.creator);
  }

  addUsers(actor: string, threadId: string, pks: string[]): IgThread {
    return this.change(actor, threadId, true, (thread, members) => {
      const added = [...new Set(pks)];
      for (const pk of added) {
        this.ig.people.require(pk);
        if (members.includes(pk)) throw badRequest("already_participant", `${pk} is already in the group`);
      }
      checkJoining(this.ig, thread.thread_id, added);
      if (members.length + added.length > LIMITS.groupMaxParticipants) throw badRequest("too_many_participants", `a group has at most ${LIMITS.groupMaxParticipants} people`);
      for (const pk of added) this.ig.threads.addMember(thread.thread_id, pk);
      return { description: `${this.name(actor)} added ${added.map((pk) => this.name(pk)).join(", ")}.`, added };
    });
  }

  removeUser(actor: string, threadId: string, pk: string): IgThread {
    return this.change(actor, threadId, true, (thread, members) => {
      if (pk === actor) throw badRequest("cannot_remove_self", "to leave a group, use leave");
      if (!members.includes(pk)) throw badRequest("not_participant", `${pk} is not in the group`);
      this.ig.threads.removeMember(thread.thread_id, pk);
      return { description: `${this.name(actor)} removed ${this.name(pk)}.`, removed: [pk] };
    });
  }

  rename(actor: string, threadId: string, title: string): IgThread {
    const checked = checkTitle(title);
    return this.change(actor, threadId, false, (thread) => {
      this.ig.threads.setTitle(thread.thread_id, checked);
      this.ig.feed.title(thread.thread_id, checked, actor);
      return { description: `${this.name(actor)} named the group "${checked}".` };
    });
  }

  setAdmins(actor: string, threadId: string, pks: string[], admin: boolean): IgThread {
    return this.change(actor, threadId, true, (thread, members) => {
      for (const pk of pks) if (!members.includes(pk)) throw badRequest("not_participant", `${pk} is not in the group`);
      for (const pk of pks) this.ig.threads.setAdmin(thread.thread_id, pk, admin);
      const names = pks.map((pk) => this.name(pk)).join(", ");
      return { description: admin ? `${this.name(actor)} made ${names} an admin.` : `${this.name(actor)} removed ${names} as an admin.` };
    });
  }

  /** Leaves a group; if the last admin leaves, the longest-standing member becomes admin. */
  leave(actor: string, threadId: string): void {
    this.change(actor, threadId, false, (thread) => this.goes(thread, actor));
  }

  /**
   * Takes `pk` out of a thread of any kind, unasked and unlimited: a user turning third-party
   * chats off, or an identity its provider removed. The others see them leave.
   */
  depart(pk: string, threadId: string): void {
    this.change(pk, threadId, false, (thread) => this.goes(thread, pk), { limited: false, anyKind: true });
  }

  private goes(thread: ThreadRow, pk: string): { description: string; removed: string[] } {
    this.ig.threads.removeMember(thread.thread_id, pk);
    const rest = this.ig.threads.participants(thread.thread_id);
    if (thread.kind === "group" && rest.length > 0 && !rest.some((p) => p.isAdmin)) this.ig.threads.setAdmin(thread.thread_id, rest[0]!.pk, true);
    return { description: `${this.name(pk)} left the ${thread.kind === "group" ? "group" : "chat"}.`, removed: [pk] };
  }

  private name(pk: string): string {
    return this.ig.people.name(pk);
  }

  /** Checks and applies a group change, logs it in the thread and tells everyone concerned. */
  private change(
    actor: string,
    threadId: string,
    adminOnly: boolean,
    apply: (thread: ThreadRow, members: string[]) => { description: string; added?: string[]; removed?: string[] },
    options: { limited?: boolean; anyKind?: boolean } = {},
  ): IgThread {
    const { ig } = this;
    return ig.transaction(() => {
      const thread = ig.threads.requireMember(threadId, actor);
      if (thread.kind !== "group" && !options.anyKind) throw badRequest("not_a_group", "only group threads have members, admins and titles to change");
      const participants = ig.threads.participants(threadId);
      if (adminOnly && !participants.some((p) => p.pk === actor && p.isAdmin)) throw forbidden("not_admin", "only group admins can do this");
      if (options.limited !== false) ig.limits.takeAction(actor);
      const outcome = apply(thread, participants.map((p) => p.pk));
      this.announce(threadId, actor, outcome.description, outcome);
      return ig.render.thread(ig.threads.get(threadId)!, actor);
    });
  }

  private announce(threadId: string, actor: string, description: string, who: { added?: string[]; removed?: string[] }): void {
    const { ig } = this;
    const row = this.messaging.store(threadId, actor, { type: "action_log", content: { action_log: { description } } }, null, null);
    const item = ig.render.item(row);
    const thread = ig.threads.get(threadId)!;
    const itemPath = paths.item(threadId, item.item_id);
    ig.publishEach(ig.threads.memberPks(threadId), (pk): IgPatch[] => [
      { op: who.added?.includes(pk) ? "add" : "replace", path: paths.thread(threadId), value: ig.render.thread(thread, pk) },
      { op: "add", path: itemPath, value: ig.render.forViewer(item, pk) },
    ]);
    ig.publishEach(who.removed ?? [], () => [{ op: "remove", path: paths.thread(threadId), value: threadId }]);
    if (who.added || who.removed) ig.feed.members(threadId, who.added ?? [], who.removed ?? [], actor);
  }
}
