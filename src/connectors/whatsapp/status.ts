/**
 * The realtime connection's story in words for people: why the session ended, why the
 * connection dropped, what a resynchronisation lost.
 */
import type { RealtimeStatus } from "../../simnet/whatsapp/client/realtime.js";

type Status<K extends RealtimeStatus["kind"]> = Extract<RealtimeStatus, { kind: K }>;

const LOGGED_OUT: Record<string, string> = {
  unlinked: "the bridge was unlinked on the phone (Linked devices)",
  logout: "the bridge's WhatsApp session was logged out",
  primary_logged_out: "the phone logged out of WhatsApp, which ends every linked device",
  replaced_by_new_phone: "the number was registered on another phone, which ends every linked device",
};

/** Why the network ended the session, starting with the reason's code. */
export function endedReason(status: Status<"ended">): string {
  switch (status.reason) {
    case "logged_out": {
      const detail = status.detail ?? "";
      return `logged_out${detail ? ` (${detail})` : ""}: ${LOGGED_OUT[detail] ?? "WhatsApp ended the session"}`;
    }
    case "replaced":
      return "replaced: another connection of this device took over";
    case "unauthorized":
      return "unauthorized: WhatsApp no longer accepts this device's credentials";
    case "closed":
      return "closed: the connection was closed";
  }
}

export function disconnectedDetail(status: Status<"disconnected">): string {
  return `connection lost (${status.code}${status.reason ? ` ${status.reason}` : ""}); reconnecting in ${status.retryInMs} ms`;
}

export function resyncDetail(status: Status<"resync">): string {
  return `resynchronised: WhatsApp no longer kept what came after position ${status.after}; continuing from ${status.firstRetained} (latest ${status.latest})`;
}
