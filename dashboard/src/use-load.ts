import { useCallback, useEffect, useState } from 'preact/hooks';

export interface Loaded<T> {
  data: T | null;
  error: Error | null;
  loading: boolean;
  reload(): void;
}

/** Runs `load` when `deps` change (and on `reload()`); a late answer to an old run is dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: Error | null; loading: boolean }>({
    data: null,
    error: null,
    loading: true,
  });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => current && setState({ data, error: null, loading: false }),
      (error: unknown) =>
        current &&
        setState((s) => ({
          data: s.data,
          error: error instanceof Error ? error : new Error(String(error)),
          loading: false,
        })),
    );
    return () => {
      current = false;
    };
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}

/** Runs an action, keeping its busy state and its error (in words) for the screen to show. */
export function useAction<A extends unknown[], R>(
  run: (...args: A) => Promise<R>,
): { busy: boolean; error: string | null; run(...args: A): Promise<R | null>; clear(): void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return {
    busy,
    error,
    clear: () => setError(null),
    run: async (...args: A) => {
      setBusy(true);
      setError(null);
      try {
        return await run(...args);
      } catch (failure) {
        setError(failure instanceof Error ? failure.message : String(failure));
        return null;
      } finally {
        setBusy(false);
      }
    },
  };
}

/** Marks the first screen painted with its data, once per page load (the browser test reads it). */
export function markFirstScreen(): void {
  if (performance.getEntriesByName('console:first-screen').length) return;
  requestAnimationFrame(() => {
    if (!performance.getEntriesByName('console:first-screen').length) {
      performance.mark('console:first-screen');
    }
  });
}

/** An event handler that runs an async function (its errors are handled inside, by useAction). */
export function later<E>(run: (event: E) => Promise<unknown>): (event: E) => void {
  return (event) => void run(event);
}
