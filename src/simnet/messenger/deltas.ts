/**
 * Every change to a thread becomes a numbered delta in the stream of each account it concerns,
 * the actor's own included (marked `own`), so the actor's other sessions see it too. In a
 * third-party chat the contacts have no stream: the change goes once to the provider's stream
 * instead, in the provider's own terms (interop/hub.ts), and a contact's changes reach users
 * marked with who the contact is.
 */
import type { EventStreams } from "../core/event-stream.js";
import { wireThreadId } from "./ids.js";
import type { MessengerDelta, WireThirdParty } from "./protocol.js";

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A delta without the fields that depend on who receives it. */
export type DeltaBody = DistributiveOmit<MessengerDelta, "thread_id" | "actor_id" | "own" | "actor_third_party">;

export const accountStream = (account: string) => `acct:${account}`;

/** Where the deltas of third-party chats go besides the Messenger users in them. */
export interface ThirdPartyRoute {
  /** The provider bridging the thread; undefined for an ordinary thread. */
  providerOf(threadKey: string): string | undefined;
  /** How users see `id` when it is a third-party contact. */
  contact(id: string): WireThirdParty | undefined;
  /** Tells the provider what `actor` did in the thread. */
  forward(provider: string, threadKey: string, actor: string, delta: DeltaBody): void;
}

/** A thread as opened by the person acting on it (see access.ts). */
interface ActingOn {
  thread: { key: string };
  participants: readonly { account: string }[];
  me: { account: string };
}

export class Deltas {
  constructor(
    private readonly streams: EventStreams,
    private readonly thirdParty: ThirdPartyRoute,
  ) {}

  /**
   * Appends the delta to each recipient's stream. `body` gets the thread id as that recipient
   * sees it (it differs per side of a direct thread). Call inside `streams.transaction()`.
   */
  publish(threadKey: string, recipients: Iterable<string>, actor: string, body: (threadId: string) => DeltaBody): void {
    const provider = this.thirdParty.providerOf(threadKey);
    if (provider === undefined) {
      for (const recipient of recipients) this.append(threadKey, recipient, actor, body);
      return;
    }
    const actorThirdParty = this.thirdParty.contact(actor);
    let providerHears = false;
    for (const recipient of recipients) {
      if (this.thirdParty.contact(recipient)) providerHears = true;
      else this.append(threadKey, recipient, actor, body, actorThirdParty);
    }
    if (providerHears) this.thirdParty.forward(provider, threadKey, actor, body(threadKey));
  }

  private append(threadKey: string, recipient: string, actor: string, body: (threadId: string) => DeltaBody, actorThirdParty?: WireThirdParty): void {
    const threadId = wireThreadId(threadKey, recipient);
    const delta = { ...body(threadId), thread_id: threadId, actor_id: actor, own: recipient === actor } as MessengerDelta;
    if (actorThirdParty) delta.actor_third_party = actorThirdParty;
    this.streams.append(accountStream(recipient), delta.type, delta);
  }

  /** Tells everyone in the thread what the acting participant did. */
  tell(access: ActingOn, delta: DeltaBody): void {
    this.publish(
      access.thread.key,
      access.participants.map((p) => p.account),
      access.me.account,
      () => delta,
    );
  }
}
