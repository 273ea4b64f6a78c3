/**
 * A small typed event hub that remembers the last value of each event, so that a late subscriber catches up.
 */
export class EventHub<E extends object> {
  private readonly listeners = new Map<keyof E, Set<(payload: never) => void>>();
  private readonly last = new Map<keyof E, unknown>();

  emit<K extends keyof E>(event: K, payload: E[K]): void {
    this.last.set(event, payload);
    const set = this.listeners.get(event);
    if (!set) return;
    for (const fn of set) (fn as (p: E[K]) => void)(payload);
  }

  /** Subscribe; the last value (if any) is delivered at once. */
  on<K extends keyof E>(event: K, listener: (payload: E[K]) => void, replay = true): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    if (replay && this.last.has(event)) listener(this.last.get(event) as E[K]);
    return () => set.delete(listener as (payload: never) => void);
  }

  lastValue<K extends keyof E>(event: K): E[K] | undefined {
    return this.last.get(event) as E[K] | undefined;
  }
}
