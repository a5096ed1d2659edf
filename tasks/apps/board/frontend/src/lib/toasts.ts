import { createStore } from './store';

export type ToastKind = 'info' | 'success' | 'error';

export interface Toast {
  id: number;
  text: string;
  kind: ToastKind;
}

export const toastStore = createStore<Toast[]>([]);

let nextId = 1;
const TOAST_MS = 5000;

export function dismissToast(id: number): void {
  toastStore.set((toasts) => toasts.filter((toast) => toast.id !== id));
}

export function showToast(text: string, kind: ToastKind = 'info'): void {
  const toast = { id: nextId++, text, kind };
  toastStore.set((toasts) => [...toasts.slice(-3), toast]);
  window.setTimeout(() => dismissToast(toast.id), TOAST_MS);
}

/** Shows an error toast for a failed request; handy as a promise's `.catch`. */
export function toastError(error: unknown): void {
  showToast(error instanceof Error ? error.message : String(error), 'error');
}
