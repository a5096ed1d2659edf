import { useEffect, useReducer, useRef } from 'preact/hooks';

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

/**
 * Read part of a store in a component. The selector runs on every render, and the
 * component re-renders when a store update changes what it selects.
 */
export function useStore(store, selector = (state) => state) {
  const [, forceRender] = useReducer((count) => count + 1, 0);
  const selected = selector(store.getState());
  const selectorRef = useRef(selector);
  const selectedRef = useRef(selected);
  selectorRef.current = selector;
  selectedRef.current = selected;

  useEffect(() => {
    const check = (state) => {
      if (!Object.is(selectorRef.current(state), selectedRef.current)) forceRender();
    };
    const unsubscribe = store.subscribe(check);
    // The store may have changed between render and subscription.
    check(store.getState());
    return unsubscribe;
  }, [store]);

  return selected;
}
