/**
 * The typed event emitter every simnet client library uses: `Events` maps each event name to its
 * payload, `on` returns the function that unsubscribes, and a listener that throws cannot break
 * delivery to the others or the realtime loop that emitted: its error goes to the `error`
 * listeners when there are any, and is thrown to the emitter's caller otherwise.
 */
export class Emitter<Events> {
  private readonly listeners = new Map<keyof Events, Set<(value: never) => void>>();

  on<K extends keyof Events>(type: K, listener: (value: Events[K]) => void): () => void {
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
    }
    set.add(listener as (value: never) => void);
    return () => set.delete(listener as (value: never) => void);
  }

  emit<K extends keyof Events>(type: K, value: Events[K]): void {
    let failure: unknown;
    for (const listener of [...(this.listeners.get(type) ?? [])]) {
      try {
        (listener as (value: Events[K]) => void)(value);
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure === undefined) return;
    const errorType = "error" as keyof Events;
    if (type === errorType || !this.listeners.get(errorType)?.size) throw failure;
    this.emit(errorType, (failure instanceof Error ? failure : new Error(String(failure))) as Events[keyof Events]);
  }
}
