/**
 * Everything third-party chats keep, built once in `setup` next to the network's other stores,
 * and the view of it the chat module needs: whether a chat is a third-party one, a user's
 * direct chat with an identity, and how identities are shown in chat lists.
 */
import type { SimnetDatabase } from "../../core/database.js";
import type { RateLimiter } from "../../core/rate-limit.js";
import type { Sessions } from "../../core/sessions.js";
import type { Accounts } from "../accounts.js";
import type { ChatRef, ThirdPartyRef, ThirdPartyView } from "../chats.js";
import { directChatKey } from "../protocol.js";
import { forbidden, notFound } from "../errors.js";
import type { ThirdPartyMark } from "../interop-protocol.js";
import { InteropChats } from "./chats.js";
import { Identities, type IdentityRow } from "./identities.js";
import { Providers } from "./providers.js";
import { InteropUsers } from "./users.js";

export interface InteropState {
  providers: Providers;
  identities: Identities;
  users: InteropUsers;
  chats: InteropChats;
  /** Lookups by phone number per provider: a provider cannot walk the numbering plan. */
  lookupLimiter: RateLimiter;
}

export function createInteropState(db: SimnetDatabase, sessions: Sessions, lookupLimiter: RateLimiter, now: () => number): InteropState {
  return { providers: new Providers(db, sessions, now), identities: new Identities(db, now), users: new InteropUsers(db), chats: new InteropChats(db, now), lookupLimiter };
}

/** A published identity whose provider is still registered. */
export function liveIdentity(state: InteropState, jid: string): IdentityRow | undefined {
  const row = state.identities.byJid(jid);
  return row && !row.removed && state.providers.active(row.provider) ? row : undefined;
}

export function requireOptedIn(accounts: Accounts, user: string): void {
  if (!accounts.get(user)?.third_party_chats) throw forbidden("not_opted_in", "third-party chats are off for this user; they can turn them on in their settings");
}

export function interopView(state: InteropState, accounts: Accounts): ThirdPartyView {
  return {
    direct(user: string, identity: string): ChatRef {
      if (!liveIdentity(state, identity)) throw notFound("not_on_whatsapp", `${identity} is not a published third-party contact`);
      requireOptedIn(accounts, user);
      const row = state.chats.direct(user, identity);
      if (!row?.active) throw notFound("chat_not_found", "start the third-party chat first");
      return { kind: "direct", key: directChatKey(user, identity), peer: identity, users: [user, identity], thirdParty: { id: row.id, provider: row.provider } };
    },
    groupRef(group: string): ThirdPartyRef | undefined {
      const provider = state.chats.groupProvider(group);
      return provider === undefined ? undefined : { id: group, provider };
    },
    marks(jids: string[]): (ThirdPartyMark & { jid: string })[] {
      return jids.flatMap((jid) => {
        const mark = state.identities.mark(jid);
        return mark ? [{ jid, ...mark }] : [];
      });
    },
  };
}
