/**
 * Sending a message: text with mention ranges, a sticker, or attachments (with an optional
 * caption), optionally replying to a message of the same thread. The offline threading id makes
 * the send idempotent: a retry gets the first answer back and creates nothing. The message and
 * the delta to every participant's stream commit together (in a batch with other sends, see
 * group-commit.ts); every check comes before the first write, as the batch requires.
 */
import { z } from "zod";
import type { Router } from "../core/http.js";
import { badRequest } from "../core/protocol-error.js";
import { parse } from "../core/validate.js";
import { authed, openThreadMembers } from "./access.js";
import { notFound, tooManyRequests } from "./errors.js";
import { OFFLINE_THREADING_ID } from "./ids.js";
import { checkMentions, checkNotUnsent, checkText } from "./message-rules.js";
import { ERROR_CODES, LIMITS, type SendResult, type WireAttachment, type WireMessage } from "./protocol.js";
import type { Messenger } from "./services.js";
import { findSticker } from "./stickers.js";
import { toWireAttachment } from "./store/attachments.js";
import type { ThreadRow } from "./store/threads.js";

export const MentionSchema = z.object({
  offset: z.number().int().min(0),
  length: z.number().int().min(1),
  user_id: z.string().min(1).max(20),
});

/** What a message carries, whoever sends it. */
export const MessageBody = z.object({
  text: z.string().optional(),
  mentions: z.array(MentionSchema).max(LIMITS.maxMentions).optional(),
  reply_to: z.string().min(1).max(100).optional(),
  sticker_id: z.string().min(1).max(30).optional(),
  attachment_ids: z.array(z.string().min(1).max(100)).max(LIMITS.maxAttachmentsPerMessage).optional(),
});

const SendBody = z.object({
  offline_threading_id: z.string().regex(OFFLINE_THREADING_ID, "must be a decimal number of at most 20 digits"),
  ...MessageBody.shape,
});

export type MessageRequest = z.infer<typeof MessageBody>;

/** A thread and the ids of everyone in it, as the send path needs them. */
export interface ThreadMembers {
  thread: ThreadRow;
  members: string[];
}

interface Content {
  text: string | null;
  mentions: WireMessage["mentions"];
  stickerId: string | null;
  attachments: WireAttachment[];
  replyTo: string | null;
}

function checkContent(m: Messenger, sender: string, access: ThreadMembers, request: MessageRequest): Content {
  const text = request.text !== undefined && request.text.length > 0 ? request.text : null;
  const attachmentIds = request.attachment_ids ?? [];
  if (text === null && request.sticker_id === undefined && attachmentIds.length === 0) {
    throw badRequest(ERROR_CODES.emptyMessage, "a message needs text, a sticker or attachments");
  }
  if (request.sticker_id !== undefined && (text !== null || attachmentIds.length > 0)) {
    throw badRequest(ERROR_CODES.invalidArgument, "a sticker is sent on its own, without text or attachments");
  }
  if (text !== null) checkText(text);
  if (request.mentions?.length && text === null) throw badRequest(ERROR_CODES.invalidMention, "mentions need text to point into");
  const mentions = text !== null && request.mentions ? checkMentions(text, request.mentions, new Set(access.members)) : [];
  if (request.sticker_id !== undefined && !findSticker(request.sticker_id)) {
    throw notFound(ERROR_CODES.unknownSticker, `no sticker '${request.sticker_id}' in the catalog (GET /v1/stickers)`);
  }
  const attachments = attachmentIds.map((id) => {
    const attachment = m.attachments.get(id);
    if (!attachment || attachment.owner !== sender) throw notFound(ERROR_CODES.attachmentNotFound, `no attachment '${id}' uploaded by you`);
    return toWireAttachment(attachment);
  });
  if (request.reply_to !== undefined) {
    const target = m.messages.get(request.reply_to);
    if (!target || target.thread !== access.thread.key) throw notFound(ERROR_CODES.replyNotFound, `no message '${request.reply_to}' in this thread to reply to`);
    checkNotUnsent(target);
  }
  return { text, mentions, stickerId: request.sticker_id ?? null, attachments, replyTo: request.reply_to ?? null };
}

/**
 * Stores a message from `sender` (a user, or a contact sending through its provider) and tells
 * everyone in the thread. Every check comes before the first write, as a send batch requires.
 */
export function postMessage(m: Messenger, sender: string, access: ThreadMembers, request: MessageRequest, offlineThreadingId: string | null): { id: string; timestamp: number } {
  const content = checkContent(m, sender, access, request);
  const budget = m.sendLimits.take(sender);
  if (!budget.ok) throw tooManyRequests(ERROR_CODES.rateLimited, "you are sending messages too fast", budget.retryAfterMs);
  const timestamp = m.now();
  const key = access.thread.key;
  const id = m.messages.add({ thread: key, sender, timestamp, offlineThreadingId, ...content });
  m.threads.touch(key, timestamp);
  const message: Omit<WireMessage, "thread_id"> = {
    id,
    sender_id: sender,
    timestamp,
    offline_threading_id: offlineThreadingId,
    text: content.text,
    mentions: content.mentions,
    reply_to: content.replyTo,
    sticker_id: content.stickerId,
    attachments: content.attachments,
    reactions: [],
    edit_count: 0,
    edited_at: null,
    unsent: false,
  };
  m.deltas.publish(key, access.members, sender, (thread_id) => ({ type: "new_message", message: { ...message, thread_id } }));
  return { id, timestamp };
}

function send(m: Messenger, sender: string, threadId: string, request: z.infer<typeof SendBody>): SendResult {
  const { id, timestamp } = postMessage(m, sender, openThreadMembers(m, sender, threadId), request, request.offline_threading_id);
  return { message_id: id, thread_id: threadId, timestamp, offline_threading_id: request.offline_threading_id };
}

export function addSendRoute(m: Messenger, routes: Router): void {
  routes.add(
    "POST",
    "/v1/threads/:threadId/messages",
    authed(m, async ({ params, body }, session) => {
      const request = parse(SendBody, body);
      const sender = session.account;
      // The key and the message commit together; a refused send (rate limit, bad reply) stores no key.
      const { result } = await m.sendCommits.run(() =>
        m.idempotency.once(`send:${sender}`, request.offline_threading_id, () => send(m, sender, params.threadId ?? "", request)),
      );
      return { body: result };
    }),
  );
}
