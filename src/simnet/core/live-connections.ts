/**
 * The realtime sockets open right now, by account and by session: ephemeral frames (typing)
 * go to them directly, never through the stored streams, and revoking a session closes its
 * sockets at once rather than at their next request.
 */
import type { WebSocket } from "ws";
import { sendFrame } from "./realtime.js";

export interface LiveConnection {
  socket: WebSocket;
  account: string;
  sessionId: string;
}

export class LiveConnections {
  private readonly byAccount = new Map<string, Set<LiveConnection>>();

  add(connection: LiveConnection): void {
    let set = this.byAccount.get(connection.account);
    if (!set) {
      set = new Set();
      this.byAccount.set(connection.account, set);
    }
    set.add(connection);
  }

  remove(connection: LiveConnection): void {
    const set = this.byAccount.get(connection.account);
    set?.delete(connection);
    if (set?.size === 0) this.byAccount.delete(connection.account);
  }

  send(account: string, frame: unknown): void {
    for (const connection of this.byAccount.get(account) ?? []) sendFrame(connection.socket, frame);
  }

  /** Sends `farewell` (if any) to every socket of the session, then closes them with `code`. */
  closeSession(account: string, sessionId: string, code: number, reason: string, farewell?: unknown): void {
    for (const connection of [...(this.byAccount.get(account) ?? [])]) {
      if (connection.sessionId !== sessionId) continue;
      if (farewell !== undefined) sendFrame(connection.socket, farewell);
      connection.socket.close(code, reason);
      this.remove(connection);
    }
  }
}
