/**
 * Everyone a thread can hold: accounts, and the third-party identities providers publish (by pks
 * of their own range). Rendering, group changes and action logs ask here rather than of the
 * accounts alone, so a third-party contact shows with its handle, name and network badge.
 */
import type { Accounts } from "./accounts.js";
import { notFound } from "./errors.js";
import { badgeOf, type Identities } from "./interop/identities.js";
import type { IgThirdPartyBadge, IgUser } from "./protocol.js";

export class People {
  constructor(
    private readonly accounts: Accounts,
    private readonly identities: Identities,
  ) {}

  /** The person as others see them; a removed identity still renders (its old items name it). */
  user(pk: string): IgUser {
    const identity = this.identities.byPk(pk);
    return identity ? this.identities.user(identity) : this.accounts.user(pk);
  }

  /** Someone who can be put in a thread now: an account, or an identity not removed. */
  require(pk: string): void {
    const identity = this.identities.byPk(pk);
    if (identity ? identity.removed : !this.accounts.byPk(pk)) throw notFound("user_not_found", `User not found: ${pk}`);
  }

  name(pk: string): string {
    return this.user(pk).username;
  }

  /** What marks something a third-party contact did: nothing for an account. */
  badge(pk: string): { third_party_sender?: IgThirdPartyBadge } {
    const identity = this.identities.byPk(pk);
    return identity ? { third_party_sender: badgeOf(identity) } : {};
  }
}
