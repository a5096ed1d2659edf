import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

/**
 * Load data with an async function and keep { data, error, loading }.
 * Reloads when `deps` change; results of superseded loads are ignored.
 */
export function useResource(load, deps) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const generation = useRef(0);

  const run = useCallback(() => {
    const current = ++generation.current;
    setState((previous) => ({ ...previous, loading: true, error: null }));
    return load().then(
      (data) => {
        if (current === generation.current) setState({ data, error: null, loading: false });
        return data;
      },
      (error) => {
        if (current === generation.current) setState({ data: null, error, loading: false });
      },
    );
  }, deps);

  useEffect(() => {
    run();
  }, [run]);

  const setData = useCallback((data) => {
    setState((previous) => ({
      ...previous,
      data: typeof data === 'function' ? data(previous.data) : data,
    }));
  }, []);

  return { ...state, reload: run, setData };
}

/** Call `callback` every `delay` ms while mounted (no call when delay is null). */
export function useInterval(callback, delay) {
  const saved = useRef(callback);
  saved.current = callback;
  useEffect(() => {
    if (delay === null) return undefined;
    const id = window.setInterval(() => saved.current(), delay);
    return () => window.clearInterval(id);
  }, [delay]);
}

export function useDebouncedValue(value, delay) {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const id = window.setTimeout(() => setDebounced(value), delay);
    return () => window.clearTimeout(id);
  }, [value, delay]);
  return debounced;
}

export function useDocumentTitle(title) {
  useEffect(() => {
    document.title = title ? `${title} · Tally` : 'Tally';
  }, [title]);
}
