/**
 * Threads as a user sees them: the inbox, starting a direct thread or a group, one thread, its
 * history, the read watermark and the typing indicator.
 */
import { z } from "zod";
import type { Router } from "../core/http.js";
import { badRequest } from "../core/protocol-error.js";
import { parse } from "../core/validate.js";
import { authed, inThread, messageInThread, openThread, requireNumericId, type ThreadAccess } from "./access.js";
import { createGroup, normaliseGroupName, requireAccounts } from "./groups.js";
import { wireThreadId } from "./ids.js";
import { ERROR_CODES, LIMITS, type ServerFrame } from "./protocol.js";
import { decodeCursor, encodeCursor, pageSize } from "./paging.js";
import type { Messenger } from "./services.js";
import { latestMessages, threadView } from "./views.js";

const CreateBody = z.object({
  participant_ids: z.array(z.string().min(1).max(20)).min(1).max(LIMITS.maxGroupParticipants),
  name: z.string().nullable().optional(),
});

const ReadBody = z
  .object({
    watermark_timestamp: z.number().int().min(0).optional(),
    message_id: z.string().min(1).max(100).optional(),
  })
  .optional();

export const TypingBody = z.object({ typing: z.boolean() });

/**
 * Moves the actor's read watermark to a message's time, a given time or now; it only moves
 * forward (an older one is acknowledged and changes nothing). Returns the watermark.
 */
export function markRead(m: Messenger, access: ThreadAccess, upTo: { message_id?: string; watermark_timestamp?: number }): number {
  const now = m.now();
  const watermark = upTo.message_id !== undefined ? messageInThread(m, access, upTo.message_id).timestamp : Math.min(upTo.watermark_timestamp ?? now, now);
  if (watermark > access.me.read_watermark) {
    m.threads.markRead(access.thread.key, access.me.account, watermark);
    m.deltas.tell(access, { type: "read_receipt", watermark_timestamp: watermark });
  }
  return Math.max(watermark, access.me.read_watermark);
}

/**
 * Typing goes live to the others' open sockets, never stored: to users directly, and to a
 * third-party chat's provider when a user types (its contacts are the provider's own).
 */
export function relayTyping(m: Messenger, access: ThreadAccess, typing: boolean): void {
  const me = access.me.account;
  const bridged = m.interop.registry.provider(access.thread.key) !== undefined;
  const thirdParty = bridged ? m.interop.hub.contact(me) : undefined;
  for (const other of access.participants) {
    if (other.account === me || other.provider !== null) continue;
    const frame: ServerFrame = { type: "typing", thread_id: wireThreadId(access.thread.key, other.account), user_id: me, typing, ...(thirdParty ? { third_party: thirdParty } : {}) };
    m.live.send(other.account, frame);
  }
  if (bridged && !thirdParty) m.interop.hub.typing(access.thread.key, me, typing);
}

export function addThreadRoutes(m: Messenger, routes: Router): void {
  routes.add(
    "GET",
    "/v1/threads",
    authed(m, ({ query }, session) => {
      const limit = pageSize(query);
      const after = decodeCursor(query.get("cursor"), (v): v is [number, string] => Array.isArray(v) && typeof v[0] === "number" && typeof v[1] === "string");
      const rows = m.threads.forAccount(session.account, limit, after && { lastActivity: after[0], key: after[1] });
      const last = rows.length === limit ? rows[rows.length - 1] : undefined;
      return {
        body: {
          threads: rows.map((row) => threadView(m, row, session.account)),
          next_cursor: last ? encodeCursor([last.last_activity, last.key]) : null,
        },
      };
    }),
  );

  routes.add(
    "POST",
    "/v1/threads",
    authed(m, ({ body }, session) => {
      const request = parse(CreateBody, body);
      const me = session.account;
      const others = [...new Set(request.participant_ids.map((id) => requireNumericId(id, "user")))].filter((id) => id !== me);
      if (others.length === 0) throw badRequest(ERROR_CODES.cannotMessageSelf, "name at least one other person");
      requireAccounts(m, others);
      return m.streams.transaction(() => {
        if (others.length === 1 && request.name == null) return { body: { thread: threadView(m, openThread(m, me, others[0]!).thread, me) } };
        const thread = createGroup(m, me, others, new Set(), normaliseGroupName(request.name));
        return { status: 201, body: { thread: threadView(m, thread, me) } };
      });
    }),
  );

  routes.add(
    "GET",
    "/v1/threads/:threadId",
    inThread(m, (_request, access) => ({ body: { thread: threadView(m, access.thread, access.me.account) } })),
  );

  routes.add(
    "GET",
    "/v1/threads/:threadId/messages",
    inThread(m, ({ query }, access) => {
      const limit = pageSize(query);
      const before = query.get("before");
      const beforeSeq = before === null ? undefined : messageInThread(m, access, before).seq;
      const messages = latestMessages(m, access.thread.key, access.me.account, limit, beforeSeq);
      return { body: { messages, next_before: messages.length === limit ? (messages[0]?.id ?? null) : null } };
    }),
  );

  routes.add(
    "POST",
    "/v1/threads/:threadId/read",
    inThread(m, ({ body }, access) => ({ body: { watermark_timestamp: markRead(m, access, parse(ReadBody, body) ?? {}) } })),
  );

  routes.add(
    "POST",
    "/v1/threads/:threadId/typing",
    inThread(m, ({ body }, access) => {
      relayTyping(m, access, parse(TypingBody, body).typing);
      return { body: { success: true } };
    }),
  );
}
