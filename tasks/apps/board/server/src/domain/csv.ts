// CSV export of a project's issues (RFC 4180: CRLF line ends, fields with a comma, quote or
// line break are quoted, quotes doubled).

import { PRIORITY_LABELS, STATUS_LABELS } from '../../../shared/api';
import type { Viewer } from '../auth';
import type { Db } from '../db';
import { findCycle } from './cycles';
import { ISSUE_SELECT, issueKey, labelsByIssue, type IssueRow } from './issueList';
import { visibleProject } from './projects';
import { usersById } from './users';

export const CSV_COLUMNS = [
  'Key',
  'Title',
  'Status',
  'Priority',
  'Assignee',
  'Labels',
  'Estimate',
  'Due date',
  'Cycle',
  'Parent',
  'Created by',
  'Created at',
  'Updated at',
  'Completed at',
] as const;

export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: Array<string | number | null>): string {
  return values.map(csvField).join(',');
}

export function exportProjectCsv(db: Db, viewer: Viewer, key: string): { filename: string; body: string } {
  const project = visibleProject(db, viewer, key);
  const rows = db.all<IssueRow>(`${ISSUE_SELECT} WHERE i.project_id = ? ORDER BY i.number`, [project.id]);
  const users = usersById(db, rows.flatMap((row) => [row.assignee_id, row.created_by]));
  const labels = labelsByIssue(db, rows.map((row) => row.id));
  const parents = new Map(rows.map((row) => [row.id, issueKey(row)]));
  const cycleNames = new Map<number, string>();
  const cycleName = (id: number | null) => {
    if (id === null) return null;
    if (!cycleNames.has(id)) cycleNames.set(id, findCycle(db, id)?.name ?? '');
    return cycleNames.get(id) ?? null;
  };
  const lines = [csvLine([...CSV_COLUMNS])];
  for (const row of rows) {
    lines.push(
      csvLine([
        issueKey(row),
        row.title,
        STATUS_LABELS[row.status],
        PRIORITY_LABELS[row.priority],
        row.assignee_id === null ? null : users.get(row.assignee_id)?.name ?? null,
        (labels.get(row.id) ?? []).map((label) => label.name).join(', '),
        row.estimate,
        row.due_date,
        cycleName(row.cycle_id),
        row.parent_id === null ? null : parents.get(row.parent_id) ?? null,
        users.get(row.created_by)?.name ?? null,
        row.created_at,
        row.updated_at,
        row.completed_at,
      ]),
    );
  }
  return { filename: `${project.key.toLowerCase()}-issues.csv`, body: `${lines.join('\r\n')}\r\n` };
}
