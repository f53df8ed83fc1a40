/**
 * The inbox and threads: the inbox by last activity with a cursor and the realtime `seq_id` of
 * the snapshot, a thread's items newest first with a cursor, opening a direct thread, creating
 * a group and changing one.
 */
import { z } from "zod";
import type { HttpRequest, Router } from "../../core/http.js";
import { badRequest } from "../../core/protocol-error.js";
import type { Session } from "../../core/sessions.js";
import { parse } from "../../core/validate.js";
import { accountStream, type Instagram } from "../context.js";
import type { Conversations } from "../conversations.js";
import { itemIdParam, threadIdParam } from "../ids.js";
import { API, LIMITS, type IgInbox, type IgThread } from "../protocol.js";
import { encodeInboxCursor } from "../threads.js";
import { clientContext, numericId } from "../fields.js";
import { authed, cursorParam, limitParam, recipients, resolveRecipients } from "./common.js";

const D = `${API}/direct_v2`;
const groupBody = recipients.extend({ thread_title: z.string().max(500).optional(), client_context: clientContext.optional() });
const usersBody = z.object({ user_ids: z.array(numericId).min(1).max(LIMITS.groupMaxParticipants) });
const titleBody = z.object({ title: z.string().max(500) });

function inbox(ig: Instagram, viewer: string, request: HttpRequest): Omit<IgInbox, "status"> {
  // Read before the threads: the snapshot then holds everything up to seq_id, and the stream
  // from seq_id on holds everything after (one thread, no await in between).
  const seqId = ig.net.streams.latest(accountStream(viewer));
  const limit = limitParam(request, LIMITS.inboxPageDefault, LIMITS.inboxPageMax);
  const rows = ig.threads.inboxPage(viewer, cursorParam(request), limit);
  const page = rows.slice(0, limit);
  const threads = page.map((row) => {
    const items = ig.items.page(row.thread_id, undefined, 1);
    return ig.render.thread(row, viewer, { rows: items.slice(0, 1), hasOlder: items.length > 1 });
  });
  const unseen = threads.filter((t) => {
    const newest = t.items[0];
    const seen = t.last_seen_at[viewer]?.item_id;
    return newest !== undefined && newest.user_id !== viewer && (seen === undefined || BigInt(seen) < BigInt(newest.item_id));
  }).length;
  const last = page[page.length - 1];
  return {
    inbox: { threads, has_older: rows.length > limit, oldest_cursor: last ? encodeInboxCursor(last) : null, unseen_count: unseen },
    seq_id: seqId,
    snapshot_at_ms: ig.now(),
    viewer: ig.accounts.user(viewer),
  };
}

function thread(ig: Instagram, viewer: string, request: HttpRequest): { thread: IgThread } {
  const threadId = threadIdParam(request.params.threadId);
  const row = ig.threads.requireMember(threadId, viewer);
  const cursor = cursorParam(request);
  const limit = limitParam(request, LIMITS.threadPageDefault, LIMITS.threadPageMax);
  const rows = ig.items.page(threadId, cursor === undefined ? undefined : itemIdParam(cursor, "cursor"), limit);
  return { thread: ig.render.thread(row, viewer, { rows: rows.slice(0, limit), hasOlder: rows.length > limit }) };
}

export function directRoutes(routes: Router, ig: Instagram, conversations: Conversations): void {
  const onThread = (work: (session: Session, threadId: string, body: unknown) => IgThread | void) =>
    authed(ig, (session, request) => {
      const result = work(session, threadIdParam(request.params.threadId), request.body);
      return result ? { thread: result } : {};
    });
  routes
    .add("GET", `${D}/inbox/`, authed(ig, (session, request) => inbox(ig, session.account, request)))
    .add("GET", `${D}/threads/:threadId/`, authed(ig, (session, request) => thread(ig, session.account, request)))
    .add(
      "POST",
      `${D}/threads/get_by_participants/`,
      authed(ig, (session, { body }) => {
        const pks = resolveRecipients(ig, parse(recipients, body));
        if (pks.length !== 1) throw badRequest("invalid_argument", "a direct thread has exactly one other participant; use create_group_thread for more");
        return { thread: conversations.direct(session.account, pks[0]!) };
      }),
    )
    .add(
      "POST",
      `${D}/create_group_thread/`,
      authed(ig, (session, { body }) => {
        const request = parse(groupBody, body);
        const members = resolveRecipients(ig, request);
        if (members.filter((pk) => pk !== session.account).length < 2) throw badRequest("not_enough_participants", "a group thread needs at least two other people");
        const title = request.thread_title?.trim() ? request.thread_title : null;
        const spec = { creator: session.account, members, admins: [], title, ...(request.client_context ? { clientContext: request.client_context } : {}) };
        return { thread: conversations.group(spec) };
      }),
    )
    .add("POST", `${D}/threads/:threadId/add_user/`, onThread((s, t, body) => conversations.addUsers(s.account, t, parse(usersBody, body).user_ids)))
    .add(
      "POST",
      `${D}/threads/:threadId/remove_users/`,
      onThread((s, t, body) => parse(usersBody, body).user_ids.map((pk) => conversations.removeUser(s.account, t, pk)).pop()),
    )
    .add("POST", `${D}/threads/:threadId/update_title/`, onThread((s, t, body) => conversations.rename(s.account, t, parse(titleBody, body).title)))
    .add("POST", `${D}/threads/:threadId/leave/`, onThread((s, t) => conversations.leave(s.account, t)))
    .add("POST", `${D}/threads/:threadId/add_admins/`, onThread((s, t, body) => conversations.setAdmins(s.account, t, parse(usersBody, body).user_ids, true)))
    .add(
      "POST",
      `${D}/threads/:threadId/remove_admins/`,
      onThread((s, t, body) => conversations.setAdmins(s.account, t, parse(usersBody, body).user_ids, false)),
    );
}
