/**
 * Bearer tokens already seen, so the send path does not hash and look up the token on every
 * request. Revoking a session drops its entry at once, so a revoked token is refused as before.
 */
import type { Session, Sessions } from "../core/sessions.js";

export class SessionCache {
  private readonly byToken = new Map<string, Session>();
  private readonly tokenOf = new Map<string, string>();

  constructor(private readonly sessions: Sessions) {
    sessions.onRevoked((session) => {
      const token = this.tokenOf.get(session.id);
      if (token !== undefined) this.byToken.delete(token);
      this.tokenOf.delete(session.id);
    });
  }

  find(token: string | undefined): Session | undefined {
    if (!token) return undefined;
    const cached = this.byToken.get(token);
    if (cached) return cached;
    const session = this.sessions.find(token);
    if (session) {
      this.byToken.set(token, session);
      this.tokenOf.set(session.id, token);
    }
    return session;
  }

  /** The session of a bearer token, or the same 401 the core gives. */
  require(token: string | undefined): Session {
    return this.find(token) ?? this.sessions.require(token);
  }
}
