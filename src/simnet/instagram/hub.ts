/**
 * The live realtime connections, by account and by session: where typing indicators go (they
 * are ephemeral, sent only to who is connected, never stored), and what closes when a session
 * logs out. A provider's connections are here too (as `providerAccount(id)`), closed when the
 * provider is revoked.
 */
import { LiveConnections, type LiveConnection } from "../core/live-connections.js";
import type { Instagram } from "./context.js";
import { CLOSE_LOGGED_OUT, LIMITS, paths, type ServerFrame } from "./protocol.js";
import { micros } from "./render.js";

/** The live-connection key of a provider: not digits, so never an account's pk. */
export const providerAccount = (providerId: string) => `provider:${providerId}`;

export class RealtimeHub {
  private readonly live = new LiveConnections();
  private readonly unsubscribe: (() => void)[];

  constructor(private readonly ig: Instagram) {
    this.unsubscribe = [
      ig.sessions.onRevoked((session) => this.live.closeSession(session.account, session.id, CLOSE_LOGGED_OUT, "logged out")),
      ig.providers.onRevoked((provider) => this.live.closeSession(providerAccount(provider.provider_id), provider.provider_id, CLOSE_LOGGED_OUT, "provider revoked")),
    ];
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
          value: { timestamp: micros(this.ig.now()), sender_id: sender, ttl: LIMITS.typingTtlMs, activity_status: active ? 1 : 0, ...this.ig.people.badge(sender) },
        },
      ],
    };
    for (const pk of this.ig.threads.memberPks(threadId)) {
      if (pk !== sender) this.live.send(pk, frame);
    }
    const toProvider = this.ig.feed.typing(threadId, sender, active);
    if (toProvider) this.live.send(providerAccount(toProvider.provider), toProvider.frame);
  }

  close(): void {
    for (const unsubscribe of this.unsubscribe) unsubscribe();
  }
}
