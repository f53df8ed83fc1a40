/**
 * Changing a sent message: edit (sender, 15 minutes, 5 times), unsend (sender, any time), react
 * (one reaction per person). The rules are the same whoever acts, a user from the app or a
 * third-party contact through its provider (interop/provider-routes.ts).
 */
import { z } from "zod";
import type { Router } from "../core/http.js";
import { badRequest } from "../core/protocol-error.js";
import { parse } from "../core/validate.js";
import { inMessage, participantIds, type MessageAccess } from "./access.js";
import { checkEditable, checkEmoji, checkMentions, checkNotUnsent, checkSender, checkText } from "./message-rules.js";
import { ERROR_CODES, LIMITS, type WireMention } from "./protocol.js";
import { MentionSchema } from "./send.js";
import type { Messenger } from "./services.js";

export const EditBody = z.object({
  text: z.string(),
  mentions: z.array(MentionSchema).max(LIMITS.maxMentions).optional(),
});

export const ReactionBody = z.object({ emoji: z.string().min(1).max(32) });

export function editMessage(m: Messenger, access: MessageAccess, text: string, requested: readonly WireMention[] = []) {
  const now = m.now();
  checkEditable(access.message, access.me.account, now);
  if (text.length === 0) throw badRequest(ERROR_CODES.emptyMessage, "an edit cannot remove all the text; unsend the message instead");
  checkText(text);
  const mentions = checkMentions(text, requested, new Set(participantIds(access)));
  m.messages.edit(access.message, text, mentions, now);
  const edit_count = access.message.edit_count + 1;
  m.deltas.tell(access, { type: "message_edited", message_id: access.message.id, text, mentions, edit_count, edited_at: now });
  return { message_id: access.message.id, edit_count, edited_at: now };
}

export function unsendMessage(m: Messenger, access: MessageAccess) {
  checkSender(access.message, access.me.account, "unsend");
  const id = access.message.id;
  // Unsending twice (a retry) changes nothing and answers the same.
  if (access.message.unsent_at !== null) return { message_id: id, unsent_at: access.message.unsent_at };
  const now = m.now();
  m.messages.unsend(access.message, now);
  m.deltas.tell(access, { type: "message_unsent", message_id: id, unsent_at: now });
  return { message_id: id, unsent_at: now };
}

/** Sets the actor's one reaction, replacing the one they had. */
export function setReaction(m: Messenger, access: MessageAccess, emoji: string) {
  checkEmoji(emoji);
  checkNotUnsent(access.message);
  const me = access.me.account;
  const current = m.messages.reactions(access.message.id).find((r) => r.user_id === me);
  if (current?.emoji !== emoji) {
    m.messages.react(access.message.id, me, emoji, m.now());
    m.deltas.tell(access, { type: "reaction", message_id: access.message.id, emoji });
  }
  return { message_id: access.message.id, emoji };
}

export function removeReaction(m: Messenger, access: MessageAccess) {
  if (m.messages.unreact(access.message.id, access.me.account)) m.deltas.tell(access, { type: "reaction", message_id: access.message.id, emoji: null });
  return { message_id: access.message.id, emoji: null };
}

export function addMessageActionRoutes(m: Messenger, routes: Router): void {
  routes.add(
    "PATCH",
    "/v1/messages/:messageId",
    inMessage(m, ({ body }, access) => {
      const request = parse(EditBody, body);
      return { body: editMessage(m, access, request.text, request.mentions) };
    }),
  );
  routes.add("DELETE", "/v1/messages/:messageId", inMessage(m, (_request, access) => ({ body: unsendMessage(m, access) })));
  routes.add("PUT", "/v1/messages/:messageId/reaction", inMessage(m, ({ body }, access) => ({ body: setReaction(m, access, parse(ReactionBody, body).emoji) })));
  routes.add("DELETE", "/v1/messages/:messageId/reaction", inMessage(m, (_request, access) => ({ body: removeReaction(m, access) })));
}
