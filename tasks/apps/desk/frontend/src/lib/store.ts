import { useEffect, useState } from 'preact/hooks';

type Listener<T> = (state: T) => void;

export interface Store<T> {
  get(): T;
  set(patch: Partial<T>): void;
  subscribe(listener: Listener<T>): () => void;
}

/** A tiny observable state container. */
export function createStore<T extends object>(initial: T): Store<T> {
  let state = initial;
  const listeners = new Set<Listener<T>>();
  return {
    get: () => state,
    set(patch) {
      state = { ...state, ...patch };
      listeners.forEach((listener) => listener(state));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

/** The store's state (or the part `select` picks), re-rendering when it changes. */
export function useStore<T extends object, S = T>(store: Store<T>, select?: (state: T) => S): S {
  const pick = (state: T): S => (select ? select(state) : (state as unknown as S));
  const [value, setValue] = useState<S>(() => pick(store.get()));
  useEffect(() => {
    setValue(() => pick(store.get()));
    return store.subscribe((state) => setValue(() => pick(state)));
  }, [store]);
  return value;
}
