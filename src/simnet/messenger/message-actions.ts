/** Changing a sent message: edit (sender, 15 minutes, 5 times), unsend (sender, any time), react. */
import { z } from "zod";
import type { Router } from "../core/http.js";
import { badRequest } from "../core/protocol-error.js";
import { parse } from "../core/validate.js";
import { inMessage, participantIds } from "./access.js";
import { checkEditable, checkEmoji, checkMentions, checkNotUnsent, checkSender, checkText } from "./message-rules.js";
import { ERROR_CODES, LIMITS } from "./protocol.js";
import { MentionSchema } from "./send.js";
import type { Messenger } from "./services.js";

const EditBody = z.object({
  text: z.string(),
  mentions: z.array(MentionSchema).max(LIMITS.maxMentions).optional(),
});

const ReactionBody = z.object({ emoji: z.string().min(1).max(32) });

export function addMessageActionRoutes(m: Messenger, routes: Router): void {
  routes.add(
    "PATCH",
    "/v1/messages/:messageId",
    inMessage(m, ({ body }, access) => {
      const request = parse(EditBody, body);
      const now = m.now();
      checkEditable(access.message, access.me.account, now);
      if (request.text.length === 0) throw badRequest(ERROR_CODES.emptyMessage, "an edit cannot remove all the text; unsend the message instead");
      checkText(request.text);
      const mentions = checkMentions(request.text, request.mentions ?? [], new Set(participantIds(access)));
      m.messages.edit(access.message, request.text, mentions, now);
      const edit_count = access.message.edit_count + 1;
      m.deltas.tell(access, { type: "message_edited", message_id: access.message.id, text: request.text, mentions, edit_count, edited_at: now });
      return { body: { message_id: access.message.id, edit_count, edited_at: now } };
    }),
  );

  routes.add(
    "DELETE",
    "/v1/messages/:messageId",
    inMessage(m, (_request, access) => {
      checkSender(access.message, access.me.account, "unsend");
      const id = access.message.id;
      // Unsending twice (a retry) changes nothing and answers the same.
      if (access.message.unsent_at !== null) return { body: { message_id: id, unsent_at: access.message.unsent_at } };
      const now = m.now();
      m.messages.unsend(access.message, now);
      m.deltas.tell(access, { type: "message_unsent", message_id: id, unsent_at: now });
      return { body: { message_id: id, unsent_at: now } };
    }),
  );

  routes.add(
    "PUT",
    "/v1/messages/:messageId/reaction",
    inMessage(m, ({ body }, access) => {
      const { emoji } = parse(ReactionBody, body);
      checkEmoji(emoji);
      checkNotUnsent(access.message);
      const me = access.me.account;
      const current = m.messages.reactions(access.message.id).find((r) => r.user_id === me);
      if (current?.emoji !== emoji) {
        m.messages.react(access.message.id, me, emoji, m.now());
        m.deltas.tell(access, { type: "reaction", message_id: access.message.id, emoji });
      }
      return { body: { message_id: access.message.id, emoji } };
    }),
  );

  routes.add(
    "DELETE",
    "/v1/messages/:messageId/reaction",
    inMessage(m, (_request, access) => {
      if (m.messages.unreact(access.message.id, access.me.account)) m.deltas.tell(access, { type: "reaction", message_id: access.message.id, emoji: null });
      return { body: { message_id: access.message.id, emoji: null } };
    }),
  );
}
