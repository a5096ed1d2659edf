import { useCallback, useSyncExternalStore } from 'react';

type Listener = () => void;

export interface Store<T> {
  get(): T;
  set(next: T | ((prev: T) => T)): void;
  subscribe(listener: Listener): () => void;
}

/** A tiny observable value shared by components outside React's tree (session, toasts, unread count). */
export function createStore<T>(initial: T): Store<T> {
  let state = initial;
  const listeners = new Set<Listener>();
  return {
    get: () => state,
    set(next) {
      const value = typeof next === 'function' ? (next as (prev: T) => T)(state) : next;
      if (Object.is(value, state)) return;
      state = value;
      listeners.forEach((listener) => listener());
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

/** The store's value, or the part `select` picks (which must return a stable value for equal state). */
export function useStore<T, S = T>(store: Store<T>, select?: (state: T) => S): S {
  const getSnapshot = useCallback(
    () => (select ? select(store.get()) : (store.get() as unknown as S)),
    [store, select],
  );
  return useSyncExternalStore(store.subscribe, getSnapshot);
}
