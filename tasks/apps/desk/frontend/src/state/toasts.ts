import { createStore } from '../lib/store';

export interface Toast {
  id: number;
  text: string;
  kind: 'info' | 'error';
}

export const toastStore = createStore<{ toasts: Toast[] }>({ toasts: [] });

let nextId = 1;

export function showToast(text: string, kind: Toast['kind'] = 'info'): void {
  const toast = { id: nextId++, text, kind };
  toastStore.set({ toasts: [...toastStore.get().toasts, toast] });
  window.setTimeout(() => {
    toastStore.set({ toasts: toastStore.get().toasts.filter((t) => t.id !== toast.id) });
  }, 4000);
}
