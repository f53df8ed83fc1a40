/**
 * Who may be in a thread: third-party contacts only in the third-party chats of their own
 * provider, and in a third-party chat only users who turned third-party chats on. A user who
 * does not exist gets the same answer as one who did not opt in, so a provider learns nothing.
 */
import { badRequest } from "../../core/protocol-error.js";
import type { Instagram } from "../context.js";
import { forbidden } from "../errors.js";

export const notOptedIn = () => forbidden("not_opted_in", "This person has not turned on third-party chats.");

/** `provider`: whose third-party chat it is (or is to be); undefined for an ordinary thread. */
export function checkParticipants(ig: Instagram, provider: string | undefined, pks: readonly string[]): void {
  for (const pk of pks) {
    const identity = ig.identities.byPk(pk);
    if (identity) {
      if (identity.providerId !== provider) throw badRequest("not_third_party_chat", "third-party contacts can only be in third-party chats of their own provider");
    } else if (provider !== undefined && !ig.optIns.isOptedIn(pk)) {
      throw notOptedIn();
    }
  }
}

/** The same, for people joining an existing thread. */
export function checkJoining(ig: Instagram, threadId: string, pks: readonly string[]): void {
  checkParticipants(ig, ig.thirdPartyThreads.providerOf(threadId), pks);
}
