import { useCallback, useEffect, useRef, useState } from 'react';

export interface QueryState<T> {
  data: T | undefined;
  error: Error | null;
  loading: boolean;
  /** Loads again with the same key (e.g. after a mutation). */
  reload: () => void;
  /** Replaces the data locally (optimistic updates); `undefined` data stays `undefined`. */
  setData: (update: (prev: T) => T) => void;
}

/**
 * Runs `fetcher` whenever `key` changes and keeps its result. Responses are numbered: when an
 * earlier request resolves after a later one (typing in a filter, fast navigation), it is dropped,
 * so a slow old response never overwrites newer data. A `null` key skips fetching.
 */
export function useQuery<T>(key: string | null, fetcher: () => Promise<T>): QueryState<T> {
  const [data, setDataState] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(key !== null);
  const [version, setVersion] = useState(0);
  const latest = useRef(0);
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;
  const dataKey = useRef<string | null>(null);

  useEffect(() => {
    if (key === null) {
      setLoading(false);
      return;
    }
    const id = ++latest.current;
    setLoading(true);
    if (dataKey.current !== key) {
      // a different resource: do not show the previous one's data while loading
      setDataState(undefined);
      setError(null);
    }
    fetcherRef.current().then(
      (result) => {
        if (id !== latest.current) return;
        dataKey.current = key;
        setDataState(result);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (id !== latest.current) return;
        setError(err instanceof Error ? err : new Error(String(err)));
        setLoading(false);
      },
    );
  }, [key, version]);

  useEffect(
    () => () => {
      // unmounted: any response still in flight is stale
      latest.current++;
    },
    [],
  );

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const setData = useCallback((update: (prev: T) => T) => {
    setDataState((prev) => (prev === undefined ? prev : update(prev)));
  }, []);

  return { data, error, loading, reload, setData };
}
