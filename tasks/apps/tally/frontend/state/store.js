import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * A minimal observable store.
 *   const store = createStore({ count: 0 });
 *   store.update({ count: 1 });            // shallow merge
 *   store.update((state) => ({ ...state })); // or a function of the current state
 *   const unsubscribe = store.subscribe((state) => ...);
 */
export function createStore(initialState) {
  let state = initialState;
  const listeners = new Set();

  return {
    getState() {
      return state;
    },
    update(change) {
      const next = typeof change === 'function' ? change(state) : { ...state, ...change };
      if (next === state) return;
      state = next;
      for (const listener of [...listeners]) listener(state);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Re-render the calling component when the selected part of the store changes. */
export function useStore(store, selector = (state) => state) {
  const selectorRef = useRef(selector);
  selectorRef.current = selector;
  const [selected, setSelected] = useState(() => selector(store.getState()));

  useEffect(() => {
    const sync = (state) => {
      const value = selectorRef.current(state);
      setSelected((previous) => (Object.is(previous, value) ? previous : value));
    };
    sync(store.getState());
    return store.subscribe(sync);
  }, [store]);

  return selected;
}
