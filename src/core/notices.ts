/**
 * A notice from the bot in a room, for what the bridge did or could not do there. It is best
 * effort: a notice that cannot be posted is logged, never allowed to fail the work it reports.
 */
import type { Logger } from "../logging/logger.js";
import type { MatrixPort } from "./matrix-port.js";

export async function postNotice(matrix: MatrixPort, roomId: string, text: string, logger: Logger): Promise<void> {
  const txnId = `notice-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  await matrix
    .sendEvent(matrix.botUserId, roomId, "m.room.message", { msgtype: "m.notice", body: text }, { txnId })
    .catch((error: unknown) => logger.warn("Could not post a notice", { room: roomId, error }));
}
