/**
 * The typed event emitter every simnet client library uses: `Events` maps each event name to its
 * payload, `on` returns the function that unsubscribes, and a listener that throws cannot break
 * delivery to the others or the realtime loop that emitted: its error goes to the `error`
 * listeners when there are any, and is thrown to the emitter's caller otherwise.
 *
 * `emitAsync` is for events whose handling must finish before the emitter's caller goes on (a
 * stored stanza is acknowledged only once its listeners are done): it waits for the promises
 * listeners return, and rejects if one of them does, so the caller can leave the stanza
 * unacknowledged.
 */
// `unknown` rather than `void`: a listener may return a promise, which `emitAsync` waits for.
type Listener<T> = (value: T) => unknown;

export class Emitter<Events> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  on<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
    }
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  emit<K extends keyof Events>(type: K, value: Events[K]): void {
    const { failure } = this.call(type, value);
    if (failure !== undefined) this.fail(type, failure);
  }

  async emitAsync<K extends keyof Events>(type: K, value: Events[K]): Promise<void> {
    const { pending, failure } = this.call(type, value);
    const outcomes = await Promise.allSettled(pending);
    // Every listener has finished before a failure is reported, so none is cut short.
    if (failure !== undefined) this.fail(type, failure);
    const rejected = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
    if (rejected) throw rejected.reason;
  }

  /** Calls every listener; returns the promises they returned and the first synchronous throw. */
  private call<K extends keyof Events>(type: K, value: Events[K]): { pending: Promise<void>[]; failure: unknown } {
    let failure: unknown;
    const pending: Promise<void>[] = [];
    for (const listener of [...(this.listeners.get(type) ?? [])]) {
      try {
        const result = (listener as Listener<Events[K]>)(value);
        if (typeof (result as PromiseLike<unknown> | undefined)?.then === "function") pending.push(Promise.resolve(result).then(() => undefined));
      } catch (error) {
        failure ??= error;
      }
    }
    return { pending, failure };
  }

  private fail(type: keyof Events, failure: unknown): void {
    const errorType = "error" as keyof Events;
    if (type === errorType || !this.listeners.get(errorType)?.size) throw failure;
    this.emit(errorType, (failure instanceof Error ? failure : new Error(String(failure))) as Events[keyof Events]);
  }
}
