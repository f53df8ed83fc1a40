/**
 * Every change to a thread becomes a numbered delta in the stream of each account it concerns,
 * the actor's own included (marked `own`), so the actor's other sessions see it too.
 */
import type { EventStreams } from "../core/event-stream.js";
import { wireThreadId } from "./ids.js";
import type { MessengerDelta } from "./protocol.js";

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A delta without the fields that depend on who receives it. */
export type DeltaBody = DistributiveOmit<MessengerDelta, "thread_id" | "actor_id" | "own">;

export const accountStream = (account: string) => `acct:${account}`;

/** A thread as opened by the person acting on it (see access.ts). */
interface ActingOn {
  thread: { key: string };
  participants: readonly { account: string }[];
  me: { account: string };
}

export class Deltas {
  constructor(private readonly streams: EventStreams) {}

  /**
   * Appends the delta to each recipient's stream. `body` gets the thread id as that recipient
   * sees it (it differs per side of a direct thread). Call inside `streams.transaction()`.
   */
  publish(threadKey: string, recipients: Iterable<string>, actor: string, body: (threadId: string) => DeltaBody): void {
    for (const recipient of recipients) {
      const threadId = wireThreadId(threadKey, recipient);
      const delta = { ...body(threadId), thread_id: threadId, actor_id: actor, own: recipient === actor } as MessengerDelta;
      this.streams.append(accountStream(recipient), delta.type, delta);
    }
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
