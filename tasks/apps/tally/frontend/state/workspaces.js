import { createStore } from './store.js';
import { readJson, writeJson } from './persist.js';
import { Workspaces } from '../lib/api.js';

const LAST_WORKSPACE_KEY = 'tally.lastWorkspace';

/**
 * The workspaces the user belongs to, and the one being looked at, with its details
 * (members, categories, rooms, permissions).
 */
export const workspaceStore = createStore({
  list: [],
  loaded: false,
  currentId: readJson(LAST_WORKSPACE_KEY, null),
  current: null,
});

export async function loadWorkspaces() {
  const { workspaces } = await Workspaces.list();
  const { currentId } = workspaceStore.getState();
  const stillMember = workspaces.some((workspace) => workspace.id === currentId);
  workspaceStore.update({ list: workspaces, loaded: true });
  if (!stillMember && workspaces.length > 0) {
    await selectWorkspace(workspaces[0].id);
  } else if (stillMember) {
    await refreshCurrentWorkspace();
  }
  return workspaces;
}

export async function selectWorkspace(workspaceId) {
  const id = Number(workspaceId);
  const state = workspaceStore.getState();
  if (state.currentId === id && state.current?.id === id) return state.current;
  workspaceStore.update({ currentId: id });
  writeJson(LAST_WORKSPACE_KEY, id);
  return refreshCurrentWorkspace();
}

export async function refreshCurrentWorkspace() {
  const { currentId } = workspaceStore.getState();
  if (currentId === null) return null;
  const workspace = await Workspaces.get(currentId);
  if (workspaceStore.getState().currentId === workspace.id) {
    workspaceStore.update((state) => ({
      ...state,
      current: workspace,
      list: state.list.map((item) =>
        item.id === workspace.id ? { ...item, name: workspace.name, role: workspace.role } : item,
      ),
    }));
  }
  return workspace;
}

/** Apply a workspace (or a part of it) returned by a mutation. */
export function patchCurrentWorkspace(changes) {
  workspaceStore.update((state) => {
    if (!state.current) return state;
    const current = { ...state.current, ...changes };
    return {
      ...state,
      current,
      list: state.list.map((item) => (item.id === current.id ? { ...item, name: current.name } : item)),
    };
  });
}

export function resetWorkspaces() {
  workspaceStore.update({ list: [], loaded: false, current: null });
}
