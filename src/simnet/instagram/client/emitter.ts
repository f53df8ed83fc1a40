/**
 * A small typed event emitter: `on` returns the function that unsubscribes, and a listener that
 * throws cannot break delivery to the others (its error goes to the `error` listeners).
 */
export class Emitter<Events extends { error: Error }> {
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
    for (const listener of [...(this.listeners.get(type) ?? [])]) {
      try {
        (listener as (value: Events[K]) => void)(value);
      } catch (error) {
        if (type !== "error") this.emit("error", error instanceof Error ? error : new Error(String(error)));
      }
    }
  }
}
