import { useCallback, useEffect, useState } from 'react';

/** A value loaded from the engine, again whenever `deps` change or `reload` is called. */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: unknown[],
): { value?: T; error?: string; loading: boolean; reload: () => void } {
  const [asked, setAsked] = useState(0);
  const key = JSON.stringify([...deps, asked]);
  const [state, setState] = useState<{ key?: string; value?: T; error?: string }>({});
  useEffect(() => {
    let current = true;
    load().then(
      (value) => current && setState({ key, value }),
      (err: Error) => current && setState({ key, error: err.message }),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return {
    value: state.value,
    error: state.error,
    loading: state.key !== key,
    reload: useCallback(() => setAsked((n) => n + 1), []),
  };
}

/**
 * A value read from the engine now and again every `everyMs` while `active` (once when `everyMs` is undefined);
 * the last value stays when reading stops.
 */
export function usePoll<T>(
  load: () => Promise<T>,
  everyMs: number | undefined,
  active = true,
): { value?: T; error?: string } {
  const [state, setState] = useState<{ value?: T; error?: string }>({});
  useEffect(() => {
    if (!active) return;
    let current = true;
    const read = () =>
      load().then(
        (value) => current && setState({ value }),
        (err: Error) => current && setState((s) => ({ ...s, error: err.message })),
      );
    void read();
    const timer = everyMs === undefined ? undefined : setInterval(read, everyMs);
    return () => {
      current = false;
      clearInterval(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [everyMs, active]);
  return state;
}
