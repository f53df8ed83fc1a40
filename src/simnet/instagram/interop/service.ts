/**
 * The rules of third-party chats, for providers and for the app alike. A third-party chat
 * belongs to one provider and holds users who turned third-party chats on and that provider's
 * identities; a direct one is one user and one identity, found again for the same pair; a group
 * needs three people, one of them a user, and is run by Instagram's group rules (its creator is
 * its admin). Turning the setting on or off tells every provider, and off takes the user out of
 * every third-party chat at once; removing an identity takes it out of every chat. What is done
 * in these chats (sends, edits, reactions...) is ordinary Messaging, per identity and its limits.
 */
import { badRequest } from "../../core/protocol-error.js";
import type { Account } from "../accounts.js";
import type { Instagram } from "../context.js";
import type { Conversations } from "../conversations.js";
import { notFound } from "../errors.js";
import { paths, type IgInteropParticipant, type IgInteropUser, type IgThread } from "../protocol.js";
import { isThirdPartyPk, type Identity, type IdentitySpec } from "./identities.js";
import { checkParticipants, notOptedIn } from "./joining.js";

const interopUser = (account: Account): IgInteropUser => ({ user_id: account.pk, username: account.username, full_name: account.fullName });

export class ThirdPartyChats {
  constructor(
    private readonly ig: Instagram,
    private readonly conversations: Conversations,
  ) {}

  // The provider's side

  /** The same answer (nothing) for a username nobody has and for a user who did not opt in. */
  lookup(username: string): IgInteropUser | undefined {
    const account = this.ig.accounts.byUsername(username.replace(/^@/, ""));
    if (!account || !this.ig.optIns.isOptedIn(account.pk)) return undefined;
    return interopUser(account);
  }

  /** Publishes or updates an identity; a change of name, badge or handle reaches everyone who shares a chat with it. */
  publishIdentity(provider: string, spec: IdentitySpec): Identity {
    const { ig } = this;
    return ig.transaction(() => {
      const { identity, changed } = ig.identities.publish(provider, spec);
      if (changed) {
        const user = ig.identities.user(identity);
        ig.publishEach(ig.threads.coParticipants(identity.pk), () => [{ op: "replace", path: paths.user(identity.pk), value: user }]);
      }
      return identity;
    });
  }

  removeIdentity(provider: string, id: string): void {
    const { ig } = this;
    ig.transaction(() => {
      const identity = ig.identities.own(provider, id);
      for (const threadId of ig.thirdPartyThreads.of(identity.pk)) this.conversations.depart(identity.pk, threadId);
      ig.identities.remove(identity);
    });
  }

  createChat(provider: string, spec: { kind: "direct" | "group"; title: string | null; creator: string; participants: IgInteropParticipant[] }): string {
    const creator = this.ig.identities.own(provider, spec.creator).pk;
    const members = [...new Set([creator, ...this.resolve(provider, spec.participants, true)])];
    if (spec.kind === "direct") {
      const [other, ...more] = members.filter((pk) => pk !== creator);
      if (other === undefined || more.length > 0 || isThirdPartyPk(other)) {
        throw badRequest("invalid_argument", "a direct third-party chat is one user and one third-party contact");
      }
      return this.openDirect(provider, creator, other);
    }
    return this.openGroup(provider, creator, members, spec.title);
  }

  addParticipants(provider: string, threadId: string, as: string, participants: IgInteropParticipant[]): void {
    this.requireOwnThread(provider, threadId);
    const actor = this.ig.identities.own(provider, as).pk;
    this.conversations.addUsers(actor, threadId, this.resolve(provider, participants, true));
  }

  removeParticipants(provider: string, threadId: string, as: string, participants: IgInteropParticipant[]): void {
    this.requireOwnThread(provider, threadId);
    const actor = this.ig.identities.own(provider, as).pk;
    const pks = this.resolve(provider, participants, false);
    this.ig.transaction(() => pks.forEach((pk) => this.conversations.removeUser(actor, threadId, pk)));
  }

  /**
   * The pk an identity acts as in one of the provider's chats. Nothing is delivered where no
   * user is left to receive it (everyone opted out): `not_opted_in`.
   */
  actingIn(provider: string, threadId: string, as: string): string {
    this.requireOwnThread(provider, threadId);
    const pk = this.ig.identities.own(provider, as).pk;
    if (!this.ig.threads.memberPks(threadId).some((member) => !isThirdPartyPk(member))) throw notOptedIn();
    return pk;
  }

  // The user's side

  /** Turns third-party chats on or off, telling the providers; off takes the user out of every third-party chat. */
  setOptIn(pk: string, enabled: boolean): void {
    const { ig } = this;
    ig.transaction(() => {
      if (!ig.optIns.set(pk, enabled)) return;
      if (enabled) return ig.feed.optIn(interopUser(ig.accounts.byPk(pk)!), ig.providers.activeIds());
      for (const threadId of ig.thirdPartyThreads.of(pk)) this.conversations.depart(pk, threadId);
      ig.feed.optOut(pk, ig.providers.activeIds());
    });
  }

  search(pk: string, query: string): Identity[] {
    this.requireOptedIn(pk);
    const words = query.trim().replace(/^@/, "");
    if (words.length === 0 || [...words].length > 64) throw badRequest("invalid_argument", "'query' has 1 to 64 characters");
    return this.ig.identities.search(words);
  }

  /** A direct chat with one third-party contact, or a group with several and the user's own friends. */
  startChat(
    pk: string,
    spec: { kind: "direct" | "group"; title: string | null; thirdParty: { provider: string; id: string }[]; users: string[]; clientContext?: string },
  ): IgThread {
    const { ig } = this;
    this.requireOptedIn(pk);
    const contacts = spec.thirdParty.map(({ provider, id }) => {
      // A revoked provider's contacts are gone from the app, as unknown ones are.
      if (!ig.providers.isActive(provider)) throw notFound("third_party_not_found", `No published identity ${id.slice(0, 128)}`);
      return ig.identities.own(provider, id);
    });
    const providers = new Set(contacts.map((c) => c.providerId));
    if (providers.size !== 1) throw badRequest("mixed_providers", "a third-party chat has contacts of one provider, at least one");
    const [provider] = providers as Set<string>;
    const contactPks = contacts.map((c) => c.pk);
    if (spec.kind === "direct" && (spec.users.length > 0 || contactPks.length !== 1)) {
      throw badRequest("invalid_argument", "a direct third-party chat is you and one third-party contact");
    }
    const threadId =
      spec.kind === "direct"
        ? this.openDirect(provider!, pk, contactPks[0]!)
        : this.openGroup(provider!, pk, [pk, ...spec.users, ...contactPks], spec.title, spec.clientContext);
    return ig.render.thread(ig.threads.get(threadId)!, pk);
  }

  // Shared

  /** The direct chat of a user and an identity, made (and announced) the first time, rejoined by whoever had left it. */
  private openDirect(provider: string, creator: string, other: string): string {
    const { ig } = this;
    return ig.transaction(() => {
      checkParticipants(ig, provider, [creator, other]);
      const existing = ig.threads.findDirect(creator, other);
      if (existing) {
        this.rejoin(existing, [creator, other], creator);
        return existing;
      }
      const threadId = this.conversations.direct(creator, other).thread_id;
      this.marked(threadId, provider);
      return threadId;
    });
  }

  /** `clientContext` makes a retried creation answer the first group (kept apart from ordinary groups' keys). */
  private openGroup(provider: string, creator: string, members: string[], title: string | null, clientContext?: string): string {
    const { ig } = this;
    if (!members.some((pk) => !isThirdPartyPk(pk))) throw badRequest("not_enough_participants", "a third-party group needs at least one Instagram user");
    // Instagram's own rule for groups people make: three people at least (contacts count).
    if (new Set([creator, ...members]).size < 3) throw badRequest("not_enough_participants", "a group needs at least three people, the creator included");
    return ig.transaction(() => {
      checkParticipants(ig, provider, members);
      const key = clientContext === undefined ? {} : { clientContext: `third_party:${clientContext}` };
      const threadId = this.conversations.group({ creator, members, admins: [], title, ...key }).thread_id;
      if (ig.thirdPartyThreads.providerOf(threadId) === undefined) this.marked(threadId, provider);
      return threadId;
    });
  }

  private marked(threadId: string, provider: string): void {
    this.ig.thirdPartyThreads.mark(threadId, provider);
    this.ig.feed.chat(threadId);
  }

  /** Puts back whoever of `pks` had left a direct chat (a user who opted out and in again). */
  private rejoin(threadId: string, pks: string[], by: string): void {
    const { ig } = this;
    const members = ig.threads.memberPks(threadId);
    const back = pks.filter((pk) => !members.includes(pk));
    if (back.length === 0) return;
    for (const pk of back) ig.threads.addMember(threadId, pk);
    const row = ig.threads.get(threadId)!;
    ig.publishEach(ig.threads.memberPks(threadId), (pk) => [{ op: back.includes(pk) ? "add" : "replace", path: paths.thread(threadId), value: ig.render.thread(row, pk) }]);
    ig.feed.members(threadId, back, [], by);
  }

  /**
   * Participants named on the wire, as pks: users by pk (who must have opted in when
   * `joining`), identities by the provider's id.
   */
  private resolve(provider: string, participants: IgInteropParticipant[], joining: boolean): string[] {
    const pks = participants.map((p) => ("third_party_id" in p ? this.ig.identities.own(provider, p.third_party_id).pk : p.user_id));
    const users = pks.filter((pk, i) => "user_id" in participants[i]!);
    if (users.some(isThirdPartyPk)) throw notOptedIn();
    if (joining) checkParticipants(this.ig, provider, users);
    return pks;
  }

  private requireOwnThread(provider: string, threadId: string): void {
    if (this.ig.thirdPartyThreads.providerOf(threadId) !== provider) throw notFound("thread_not_found", `Thread not found: ${threadId}`);
  }

  private requireOptedIn(pk: string): void {
    if (!this.ig.optIns.isOptedIn(pk)) throw notOptedIn();
  }
}
