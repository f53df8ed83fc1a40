/**
 * Threads as a user sees them: the inbox, starting a direct thread or a group, one thread, its
 * history, the read watermark and the typing indicator.
 */
import { z } from "zod";
import type { Router } from "../core/http.js";
import { badRequest } from "../core/protocol-error.js";
import { parse } from "../core/validate.js";
import { authed, inThread, messageInThread, openThread, participantIds, requireNumericId } from "./access.js";
import { createGroup, normaliseGroupName, requireAccounts } from "./groups.js";
import { wireThreadId } from "./ids.js";
import { ERROR_CODES, LIMITS } from "./protocol.js";
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

const TypingBody = z.object({ typing: z.boolean() });

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
    inThread(m, ({ body }, access) => {
      const request = parse(ReadBody, body) ?? {};
      const now = m.now();
      const watermark =
        request.message_id !== undefined ? messageInThread(m, access, request.message_id).timestamp : Math.min(request.watermark_timestamp ?? now, now);
      const me = access.me.account;
      // A watermark only moves forward; an older one is acknowledged and changes nothing.
      if (watermark > access.me.read_watermark) {
        m.threads.markRead(access.thread.key, me, watermark);
        m.deltas.tell(access, { type: "read_receipt", watermark_timestamp: watermark });
      }
      return { body: { watermark_timestamp: Math.max(watermark, access.me.read_watermark) } };
    }),
  );

  routes.add(
    "POST",
    "/v1/threads/:threadId/typing",
    inThread(m, ({ body }, access) => {
      const { typing } = parse(TypingBody, body);
      const me = access.me.account;
      for (const other of participantIds(access)) {
        if (other === me) continue;
        m.live.send(other, { type: "typing", thread_id: wireThreadId(access.thread.key, other), user_id: me, typing });
      }
      return { body: { success: true } };
    }),
  );
}
