import type { Workspace } from '../../../shared/api';
import { api } from '../api';
import { createStore } from './store';

/** The workspace (its name heads the nav); settings update it in place after a rename. */
export const workspaceStore = createStore<Workspace | null>(null);

export async function loadWorkspace(): Promise<Workspace> {
  const workspace = await api.workspace();
  workspaceStore.set(workspace);
  return workspace;
}
