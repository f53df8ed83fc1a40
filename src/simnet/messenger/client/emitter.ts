/**
 * A small typed event emitter. A listener that throws is reported on `error` rather than
 * breaking the realtime loop that called it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EventMap = Record<string, (payload: any) => void> & { error: (error: Error) => void };

export class Emitter<E extends EventMap> {
  private readonly listeners = new Map<keyof E, Set<(payload: unknown) => void>>();

  on<K extends keyof E>(event: K, listener: E[K]): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    const entry = listener as (payload: unknown) => void;
    set.add(entry);
    return () => set.delete(entry);
  }

  protected emit<K extends keyof E>(event: K, payload: Parameters<E[K]>[0]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        listener(payload);
      } catch (error) {
        if (event !== "error") this.emit("error", error instanceof Error ? error : new Error(String(error)));
      }
    }
  }
}
