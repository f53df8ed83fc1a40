/**
 * Sending items over REST (`threads/broadcast/<kind>/`, each idempotent by client_context),
 * reacting, editing, unsending, marking seen and the typing indicator.
 */
import { z } from "zod";
import type { Router } from "../../core/http.js";
import { parse } from "../../core/validate.js";
import type { Instagram } from "../context.js";
import type { RealtimeHub } from "../hub.js";
import { itemIdParam, threadIdParam } from "../ids.js";
import type { Messaging } from "../messaging.js";
import { API, LIKE_EMOJI, SEND_KINDS } from "../protocol.js";
import type { Sends } from "../sends.js";
import { numericId } from "../fields.js";
import { authed } from "./common.js";

const D = `${API}/direct_v2`;

const reaction = z.object({
  thread_id: numericId,
  item_id: numericId,
  reaction_status: z.enum(["created", "deleted"]),
  emoji: z.string().max(64).optional(),
});
const editBody = z.object({ text: z.string().max(100_000) });
const activityBody = z.object({ activity_status: z.union([z.literal(0), z.literal(1)]) });

export function itemRoutes(routes: Router, ig: Instagram, messaging: Messaging, sends: Sends, hub: RealtimeHub): void {
  for (const kind of SEND_KINDS) {
    routes.add("POST", `${D}/threads/broadcast/${kind}/`, authed(ig, (session, { body }) => sends.send(session.account, kind, body)));
  }

  const onItem = (action: string, work: (sender: string, threadId: string, itemId: bigint, body: unknown) => object) =>
    routes.add(
      "POST",
      `${D}/threads/:threadId/items/:itemId/${action}/`,
      authed(ig, (session, { params, body }) => work(session.account, threadIdParam(params.threadId), itemIdParam(params.itemId), body)),
    );
  onItem("edit", (sender, threadId, itemId, body) => ({ item: messaging.edit(sender, threadId, itemId, parse(editBody, body).text) }));
  onItem("delete", (sender, threadId, itemId) => {
    messaging.unsend(sender, threadId, itemId);
    return {};
  });
  onItem("seen", (reader, threadId, itemId) => ({ changed: messaging.seen(reader, threadId, itemId) }));

  routes
    .add(
      "POST",
      `${D}/threads/broadcast/reaction/`,
      authed(ig, (session, { body }) => {
        const request = parse(reaction, body);
        const emoji = request.reaction_status === "deleted" ? null : (request.emoji ?? LIKE_EMOJI);
        return { changed: messaging.react(session.account, threadIdParam(request.thread_id), itemIdParam(request.item_id), emoji) };
      }),
    )
    .add(
      "POST",
      `${D}/threads/:threadId/activity/`,
      authed(ig, (session, { params, body }) => {
        hub.typing(session.account, threadIdParam(params.threadId), parse(activityBody, body).activity_status === 1);
        return {};
      }),
    );
}
