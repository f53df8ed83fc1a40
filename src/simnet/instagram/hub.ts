/**
 * The live realtime connections, by account and by session: where typing indicators go (they
 * are ephemeral, sent only to who is connected, never stored), and what closes when a session
 * logs out.
 */
import { LiveConnections, type LiveConnection } from "../core/live-connections.js";
import type { Instagram } from "./context.js";
import { CLOSE_LOGGED_OUT, LIMITS, paths, type ServerFrame } from "./protocol.js";
import { micros } from "./render.js";

export class RealtimeHub {
  private readonly live = new LiveConnections();
  private readonly unsubscribe: () => void;

  constructor(private readonly ig: Instagram) {
    this.unsubscribe = ig.sessions.onRevoked((session) =>
      this.live.closeSession(session.account, session.id, CLOSE_LOGGED_OUT, "logged out"),
    );
  }

  add(connection: LiveConnection): void {
    this.live.add(connection);
  }

  remove(connection: LiveConnection): void {
    this.live.remove(connection);
  }

  /** Tells the thread's other members, if connected, that `sender` is (or stopped) typing. */
  typing(sender: string, threadId: string, active: boolean): void {
    this.ig.threads.requireMember(threadId, sender);
    const frame: ServerFrame = {
      type: "activity_indicator",
      data: [
        {
          op: "add",
          path: paths.activity(threadId, sender),
          value: { timestamp: micros(this.ig.now()), sender_id: sender, ttl: LIMITS.typingTtlMs, activity_status: active ? 1 : 0 },
        },
      ],
    };
    for (const pk of this.ig.threads.memberPks(threadId)) {
      if (pk !== sender) this.live.send(pk, frame);
    }
  }

  close(): void {
    this.unsubscribe();
  }
}
