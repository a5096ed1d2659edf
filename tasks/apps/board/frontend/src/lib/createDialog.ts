import type { Status } from '../../../shared/api';
import { createStore } from './store';

export interface CreateDialogState {
  open: boolean;
  /** Preselected project and status (e.g. from a board column's "+" button). */
  projectKey: string | null;
  status: Status | null;
  /** Called with the new issue's key when it was created from somewhere that wants to refresh. */
  onCreated: ((key: string) => void) | null;
}

const CLOSED: CreateDialogState = { open: false, projectKey: null, status: null, onCreated: null };

export const createDialogStore = createStore<CreateDialogState>(CLOSED);

export function openCreateDialog(options: Partial<Omit<CreateDialogState, 'open'>> = {}): void {
  createDialogStore.set({ ...CLOSED, ...options, open: true });
}

export function closeCreateDialog(): void {
  createDialogStore.set(CLOSED);
}

/** The project a page is about (/projects/WEB/board, /issues/WEB-12), to preselect in the dialog. */
export function projectKeyFromPath(pathname: string): string | null {
  const project = /^\/projects\/([A-Za-z]+)(?:\/|$)/.exec(pathname);
  if (project) return project[1].toUpperCase();
  const issue = /^\/issues\/([A-Za-z]+)-\d+$/.exec(pathname);
  return issue ? issue[1].toUpperCase() : null;
}
