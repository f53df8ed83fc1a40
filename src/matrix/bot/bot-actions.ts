/**
 * The bot's actions on the homeserver, through the same client-server calls as the rest of the
 * bridge: no extra membership or power-level look-ups before each message.
 */
import { randomUUID } from "node:crypto";
import type { MatrixPort } from "../../core/matrix-port.js";
import type { BotMatrixActions } from "./bot.js";
import type { Reply } from "./commands.js";

export function botActions(matrix: MatrixPort): BotMatrixActions {
  const bot = matrix.botUserId;
  return {
    join: (roomId) => matrix.join(bot, roomId),
    leave: (roomId, reason) => matrix.leave(bot, roomId, reason),
    sendNotice: async (roomId, reply) => {
      await matrix.sendEvent(bot, roomId, "m.room.message", noticeContent(reply), { txnId: randomUUID() });
    },
  };
}

function noticeContent(reply: Reply): Record<string, unknown> {
  return reply.html
    ? { msgtype: "m.notice", body: reply.text, format: "org.matrix.custom.html", formatted_body: reply.html }
    : { msgtype: "m.notice", body: reply.text };
}
