/**
 * A minimal external store for React (useSyncExternalStore): state split by domain, one store each.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';

export interface Store<T> {
  get(): T;
  set(next: T | ((prev: T) => T)): void;
  subscribe(fn: () => void): () => void;
}

export function createStore<T>(initial: T): Store<T> {
  let value = initial;
  const fns = new Set<() => void>();
  return {
    get: () => value,
    set(next) {
      value = typeof next === 'function' ? (next as (p: T) => T)(value) : next;
      for (const fn of fns) fn();
    },
    subscribe(fn) {
      fns.add(fn);
      return () => fns.delete(fn);
    },
  };
}

export function useStore<T>(store: Store<T>): T {
  return useSyncExternalStore(store.subscribe, store.get);
}

/** Subscribe to one value derived from a store: the component re-renders only when that value changes. */
export function useSelect<T, V>(store: Store<T>, select: (state: T) => V): V {
  return useSyncExternalStore(store.subscribe, () => select(store.get()));
}

/**
 * Run `fn` at most once every `ms` milliseconds: `schedule()` asks for a run, which happens once `ms` have passed
 * since the last one (at once if they have); asks meanwhile are folded into it. `run()` runs it now.
 */
export function throttled(fn: () => void, ms: number): { schedule(): void; run(): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = 0;
  const run = () => {
    clearTimeout(timer);
    timer = undefined;
    last = performance.now();
    fn();
  };
  return {
    schedule() {
      if (timer === undefined) timer = setTimeout(run, Math.max(0, ms - (performance.now() - last)));
    },
    run,
    cancel() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

/**
 * A store's value, taken at most once every `ms` milliseconds (the newest value when the time comes): for views
 * that cost much to draw and need not follow every change, like a chart of the last minute. While `hold` says
 * true, the value is not taken; it is taken as soon as `hold` turns false.
 */
export function useThrottled<T>(store: Store<T>, ms: number, hold?: Store<boolean>): T {
  const [value, setValue] = useState(store.get);
  useEffect(() => {
    let waiting = false;
    const take = throttled(() => {
      waiting = hold?.get() ?? false;
      if (!waiting) setValue(store.get());
    }, ms);
    const unsubscribe = store.subscribe(() => {
      if (!waiting) take.schedule();
    });
    const unsubscribeHold = hold?.subscribe(() => {
      if (waiting && !hold.get()) take.run();
    });
    take.run();
    return () => {
      unsubscribe();
      unsubscribeHold?.();
      take.cancel();
    };
  }, [store, ms, hold]);
  return value;
}
