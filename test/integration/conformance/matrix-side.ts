/**
 * What the conformance suite checks on the Matrix side beyond timeline events: read receipts,
 * typing, and files in the homeserver's media repository, each waited for as the client syncs.
 */
import { RoomEvent, RoomMemberEvent, type MatrixClient } from "matrix-js-sdk";
import { BRIDGE_WAIT_MS } from "../support/bridge.js";

/** Resolves once `holds()` is true, checking now and after every `event` the client emits. */
function waitUntil(client: MatrixClient, event: RoomEvent.Receipt | RoomMemberEvent.Typing, holds: () => boolean, what: string, timeoutMs = BRIDGE_WAIT_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    // Any argument list will do: the listener only re-checks the condition.
    const check = () => {
      if (holds()) finish(resolve);
    };
    const listener = check as never;
    const finish = (outcome: () => void) => {
      clearTimeout(timer);
      client.off(event, listener);
      outcome();
    };
    const timer = setTimeout(() => finish(() => reject(new Error(`${client.getUserId()}: no ${what} within ${timeoutMs} ms`))), timeoutMs);
    client.on(event, listener);
    check();
  });
}

/** `userId` sent a read receipt (m.read) for exactly the event `eventId`. */
export function waitForReadReceipt(client: MatrixClient, roomId: string, userId: string, eventId: string): Promise<void> {
  return waitUntil(
    client,
    RoomEvent.Receipt,
    () => {
      const room = client.getRoom(roomId);
      const event = room?.findEventById(eventId);
      return event !== undefined && (room?.getReceiptsForEvent(event) ?? []).some((r) => r.userId === userId && r.type === "m.read");
    },
    `read receipt from ${userId} on ${eventId}`,
  );
}

/** `userId` is shown as typing in the room (or no longer, with `typing` false). */
export function waitForTyping(client: MatrixClient, roomId: string, userId: string, typing: boolean): Promise<void> {
  return waitUntil(client, RoomMemberEvent.Typing, () => client.getRoom(roomId)?.getMember(userId)?.typing === typing, `typing=${typing} from ${userId}`);
}

/** A file's bytes from the homeserver's (authenticated) media repository. */
export async function downloadMxc(client: MatrixClient, mxc: string): Promise<Buffer> {
  const url = client.mxcUrlToHttp(mxc, undefined, undefined, undefined, false, true, true);
  if (!url) throw new Error(`not a media URL: ${mxc}`);
  const response = await fetch(url, { headers: { authorization: `Bearer ${client.getAccessToken()}` } });
  if (!response.ok) throw new Error(`downloading ${mxc} failed: ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}
