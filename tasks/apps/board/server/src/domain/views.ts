// Saved views: a user's named filters. The query is the list URL's query string; only the keys
// the lists understand are kept, so a saved view can never smuggle anything else into a URL.

import type { CreateViewRequest, SavedView } from '../../../shared/api';
import type { Viewer } from '../auth';
import { nowIso } from '../clock';
import type { Db } from '../db';
import { badRequest, conflict, notFound } from '../errors';
import { findProjectById, visibleProject } from './projects';
import { normalizeSpaces } from './text';

export const VIEW_QUERY_KEYS = ['status', 'assignee', 'label', 'priority', 'overdue', 'cycle', 'sort', 'group'] as const;

interface ViewRow {
  id: number;
  project_id: number | null;
  name: string;
  query: string;
  created_at: string;
}

/** Keeps the known, non-empty parameters, in a stable order. */
export function normalizeViewQuery(query: string): string {
  const params = new URLSearchParams(query.replace(/^\?/, ''));
  const kept = new URLSearchParams();
  for (const key of VIEW_QUERY_KEYS) {
    const value = params.get(key);
    if (value !== null && value.trim() !== '') kept.set(key, value.trim());
  }
  return kept.toString();
}

function toView(db: Db, row: ViewRow): SavedView {
  return {
    id: row.id,
    name: row.name,
    query: row.query,
    project_key: row.project_id === null ? null : findProjectById(db, row.project_id)?.key ?? null,
    created_at: row.created_at,
  };
}

export function listViews(db: Db, viewer: Viewer): SavedView[] {
  return db
    .all<ViewRow>('SELECT * FROM saved_views WHERE user_id = ? ORDER BY name COLLATE NOCASE, id', [viewer.id])
    .map((row) => toView(db, row));
}

export function createView(db: Db, viewer: Viewer, input: CreateViewRequest): SavedView {
  const name = normalizeSpaces(input.name);
  if (!name) throw badRequest('Name cannot be empty', 'name');
  const projectId = input.project_key ? visibleProject(db, viewer, input.project_key).id : null;
  const clash = db.get('SELECT 1 AS one FROM saved_views WHERE user_id = ? AND lower(name) = lower(?)', [viewer.id, name]);
  if (clash) throw conflict(`You already have a view named "${name}"`, 'name');
  const { lastId } = db.run('INSERT INTO saved_views (user_id, project_id, name, query, created_at) VALUES (?, ?, ?, ?, ?)', [
    viewer.id,
    projectId,
    name,
    normalizeViewQuery(input.query),
    nowIso(),
  ]);
  return toView(db, db.get<ViewRow>('SELECT * FROM saved_views WHERE id = ?', [lastId])!);
}

export function deleteView(db: Db, viewer: Viewer, id: number): void {
  const { changes } = db.run('DELETE FROM saved_views WHERE id = ? AND user_id = ?', [id, viewer.id]);
  if (changes === 0) throw notFound('View');
}
