import { Api } from '../lib/api';
import { createStore } from '../lib/store';
import type { ViewCount } from '../types';

/** The sidebar's views and their ticket counts. */
export const viewsStore = createStore<{ views: ViewCount[]; loaded: boolean }>({ views: [], loaded: false });

let latest = 0;

/** Load the counts again; call it after anything that can move a ticket between views. */
export async function refreshViews(): Promise<void> {
  const call = ++latest;
  const { views } = await Api.views();
  if (call === latest) viewsStore.set({ views, loaded: true });
}
