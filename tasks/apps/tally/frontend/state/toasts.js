import { createStore } from './store.js';

export const toastStore = createStore({ toasts: [] });

let nextId = 1;

export function showToast(text, { kind = 'info', timeout = 3500 } = {}) {
  const id = nextId++;
  toastStore.update((state) => ({ toasts: [...state.toasts, { id, text, kind }] }));
  window.setTimeout(() => dismissToast(id), timeout);
  return id;
}

export function dismissToast(id) {
  toastStore.update((state) => ({ toasts: state.toasts.filter((toast) => toast.id !== id) }));
}
