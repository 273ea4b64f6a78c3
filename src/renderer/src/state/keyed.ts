/**
 * A store of one value per key (a node or wire id) where a component subscribes to its own key only: a change
 * to one key wakes one component. With 500 nodes and 600 wires, a store-wide subscription would make every
 * update call 1,100 selectors; this calls the listeners of the keys that changed.
 */
import { useCallback, useSyncExternalStore } from 'react';

export class KeyedStore<V> {
  private readonly values = new Map<string, V>();
  private readonly listeners = new Map<string, Set<() => void>>();

  constructor(private readonly fallback: V) {}

  get(key: string): V {
    const v = this.values.get(key);
    return v === undefined ? this.fallback : v;
  }

  /** Set one key; its listeners run only if the value changed. */
  set(key: string, value: V): void {
    if (Object.is(this.get(key), value)) return;
    if (Object.is(value, this.fallback)) this.values.delete(key);
    else this.values.set(key, value);
    const fns = this.listeners.get(key);
    if (fns) for (const fn of [...fns]) fn();
  }

  /** Replace every key's value: keys missing from `next` go back to the fallback. */
  replace(next: ReadonlyMap<string, V>): void {
    for (const key of [...this.values.keys()]) if (!next.has(key)) this.set(key, this.fallback);
    for (const [key, v] of next) this.set(key, v);
  }

  subscribe(key: string, fn: () => void): () => void {
    let fns = this.listeners.get(key);
    if (!fns) this.listeners.set(key, (fns = new Set()));
    fns.add(fn);
    return () => {
      fns.delete(fn);
      if (fns.size === 0) this.listeners.delete(key);
    };
  }
}

/** The value of one key; the component re-renders when that key changes, and for nothing else. */
export function useKeyed<V>(store: KeyedStore<V>, key: string): V {
  const subscribe = useCallback((fn: () => void) => store.subscribe(key, fn), [store, key]);
  return useSyncExternalStore(subscribe, () => store.get(key));
}
