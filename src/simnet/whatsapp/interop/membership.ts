/**
 * Who may be in which chat. An ordinary group takes WhatsApp users only; a third-party group
 * takes users who turned third-party chats on and the identities of its own provider (one
 * provider per chat). The answer has the shape of WhatsApp's per-person participant results.
 */
import { ProtocolError } from "../../core/protocol-error.js";
import type { Wa } from "../context.js";
import { isIdentityJid } from "../interop-protocol.js";
import { liveIdentity } from "./state.js";

export interface Refusal {
  status: number;
  text: string;
}

/** Why `jid` may not join a group of `provider` (undefined: an ordinary group), if it may not. */
export function admissionRefusal(wa: Wa, provider: string | undefined, jid: string): Refusal | undefined {
  if (isIdentityJid(jid)) {
    const identity = liveIdentity(wa.interop, jid);
    if (!identity || provider === undefined) return { status: 404, text: "not_on_whatsapp" };
    return identity.provider === provider ? undefined : { status: 409, text: "other_provider" };
  }
  const account = wa.accounts.get(jid);
  if (!account) return { status: 404, text: "not_on_whatsapp" };
  if (provider !== undefined && !account.third_party_chats) return { status: 403, text: "not_opted_in" };
  return undefined;
}

const REASONS: Record<string, string> = {
  not_on_whatsapp: "is not on WhatsApp",
  not_opted_in: "has not turned third-party chats on",
  other_provider: "belongs to another provider; a third-party chat has one",
};

/**
 * Refuses the whole request when anyone of `jids` may not join. The answer does not name them:
 * it may go to a provider, which must never see a phone JID.
 */
export function requireAdmissible(wa: Wa, provider: string | undefined, jids: Iterable<string>): void {
  for (const jid of jids) {
    const refusal = admissionRefusal(wa, provider, jid);
    if (refusal) throw new ProtocolError(refusal.status, refusal.text, `someone in this request ${REASONS[refusal.text] ?? "cannot be in this chat"}`);
  }
}
