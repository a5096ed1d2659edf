import { api } from '../api';
import { createStore } from './store';

/** The inbox badge's count, shared by the nav and the inbox page. */
export const unreadStore = createStore<number>(0);

let latestRequest = 0;

/** Asks the server for the count; an answer overtaken by a newer request is ignored. */
export async function refreshUnread(): Promise<void> {
  const id = ++latestRequest;
  const { count } = await api.unreadCount();
  if (id === latestRequest) unreadStore.set(count);
}

/** Local change after marking read, without waiting for the next refresh. */
export function adjustUnread(delta: number): void {
  latestRequest++;
  unreadStore.set((count) => Math.max(0, count + delta));
}

/** The count a write (mark read) answered with; any refresh still in flight is older. */
export function setUnread(count: number): void {
  latestRequest++;
  unreadStore.set(count);
}
