// Labels: workspace-wide, names unique ignoring case, colours from a fixed palette.

import type { CreateLabelRequest, Label, LabelColor, UpdateLabelRequest } from '../../../shared/api';
import type { Viewer } from '../auth';
import type { Db } from '../db';
import { badRequest, conflict, notFound } from '../errors';
import { assertAdmin } from './permissions';
import { normalizeSpaces } from './text';
import { WORKSPACE_ID } from './users';

export const LABEL_NAME_MAX = 40;

interface LabelRow {
  id: number;
  name: string;
  color: LabelColor;
  issue_count: number;
}

const LABEL_SELECT = `SELECT l.id, l.name, l.color,
  (SELECT COUNT(*) FROM issue_labels il WHERE il.label_id = l.id) AS issue_count
  FROM labels l`;

export function listLabels(db: Db): Label[] {
  return db.all<LabelRow>(`${LABEL_SELECT} WHERE l.workspace_id = ? ORDER BY l.name COLLATE NOCASE`, [WORKSPACE_ID]);
}

function findLabel(db: Db, id: number): Label {
  const row = db.get<LabelRow>(`${LABEL_SELECT} WHERE l.id = ? AND l.workspace_id = ?`, [id, WORKSPACE_ID]);
  if (!row) throw notFound('Label');
  return row;
}

function cleanName(db: Db, name: string, exceptId: number | null): string {
  const clean = normalizeSpaces(name);
  if (!clean) throw badRequest('Name cannot be empty', 'name');
  if (clean.length > LABEL_NAME_MAX) throw badRequest(`Name is longer than ${LABEL_NAME_MAX} characters`, 'name');
  const clash = db.get<{ name: string }>(
    'SELECT name FROM labels WHERE workspace_id = ? AND lower(name) = lower(?) AND id IS NOT ?',
    [WORKSPACE_ID, clean, exceptId],
  );
  if (clash) throw conflict(`A label named "${clash.name}" already exists`, 'name');
  return clean;
}

export function createLabel(db: Db, viewer: Viewer, input: CreateLabelRequest): Label {
  assertAdmin(viewer, 'Only admins can manage labels');
  const name = cleanName(db, input.name, null);
  const { lastId } = db.run('INSERT INTO labels (workspace_id, name, color) VALUES (?, ?, ?)', [WORKSPACE_ID, name, input.color]);
  return findLabel(db, lastId);
}

export function updateLabel(db: Db, viewer: Viewer, id: number, changes: UpdateLabelRequest): Label {
  assertAdmin(viewer, 'Only admins can manage labels');
  const label = findLabel(db, id);
  const name = changes.name === undefined ? label.name : cleanName(db, changes.name, id);
  const color = changes.color ?? label.color;
  db.run('UPDATE labels SET name = ?, color = ? WHERE id = ?', [name, color, id]);
  return findLabel(db, id);
}

export function deleteLabel(db: Db, viewer: Viewer, id: number): void {
  assertAdmin(viewer, 'Only admins can manage labels');
  findLabel(db, id);
  db.run('DELETE FROM labels WHERE id = ?', [id]);
}

/** Checks a list of label ids from a request: all must exist; duplicates are dropped. */
export function checkLabelIds(db: Db, ids: number[]): number[] {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return unique;
  const found = db.all<{ id: number }>(
    `SELECT id FROM labels WHERE workspace_id = ? AND id IN (${unique.map(() => '?').join(', ')})`,
    [WORKSPACE_ID, ...unique],
  );
  if (found.length !== unique.length) {
    const known = new Set(found.map((row) => row.id));
    throw badRequest(`No such label: ${unique.find((id) => !known.has(id))}`, 'label_ids');
  }
  return unique;
}

/** Display value of a set of labels for the activity log: names, alphabetical, comma-separated. */
export function labelNames(db: Db, ids: number[]): string | null {
  if (ids.length === 0) return null;
  return db
    .all<{ name: string }>(`SELECT name FROM labels WHERE id IN (${ids.map(() => '?').join(', ')}) ORDER BY name COLLATE NOCASE`, ids)
    .map((row) => row.name)
    .join(', ');
}
