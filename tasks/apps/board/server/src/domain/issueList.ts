// Reading issues: the row -> IssueSummary mapping (done in bulk), and the filtered, sorted,
// paginated lists behind the project list, the board, "My issues" and cycles.

import type { IssueGroup, IssueSort, IssueSummary, Label, LabelColor, ListPage, Priority, Status } from '../../../shared/api';
import { CLOSED_STATUSES, PRIORITY_ORDER, STATUS_ORDER } from '../../../shared/api';
import type { Viewer } from '../auth';
import type { Db, SqlParam } from '../db';
import { badRequest } from '../errors';
import { cycleStatus, type CycleRow } from './cycles';
import { todayIn } from './dates';
import { visibleProjectIds } from './projects';
import { usersById } from './users';

export interface IssueRow {
  id: number;
  project_id: number;
  project_key: string;
  number: number;
  title: string;
  description: string;
  status: Status;
  priority: Priority;
  assignee_id: number | null;
  estimate: number | null;
  due_date: string | null;
  sort_order: number;
  created_by: number;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  cycle_id: number | null;
  parent_id: number | null;
}

export const ISSUE_SELECT = 'SELECT i.*, p.key AS project_key FROM issues i JOIN projects p ON p.id = i.project_id';

export const issueKey = (row: Pick<IssueRow, 'project_key' | 'number'>) => `${row.project_key}-${row.number}`;

export const isClosed = (status: Status) => CLOSED_STATUSES.includes(status);

/** SQL for "the rank of a column in a fixed order", e.g. urgent=0 ... none=4. */
function rankSql(column: string, order: readonly string[]): string {
  return `CASE ${column} ${order.map((value, index) => `WHEN '${value}' THEN ${index}`).join(' ')} ELSE ${order.length} END`;
}
export const PRIORITY_RANK_SQL = rankSql('i.priority', PRIORITY_ORDER);
export const STATUS_RANK_SQL = rankSql('i.status', STATUS_ORDER);

const placeholders = (values: readonly unknown[]) => values.map(() => '?').join(', ');

export function labelsByIssue(db: Db, issueIds: number[]): Map<number, Label[]> {
  const map = new Map<number, Label[]>();
  if (issueIds.length === 0) return map;
  const rows = db.all<{ issue_id: number; id: number; name: string; color: LabelColor; issue_count: number }>(
    `SELECT il.issue_id, l.id, l.name, l.color,
            (SELECT COUNT(*) FROM issue_labels x WHERE x.label_id = l.id) AS issue_count
     FROM issue_labels il JOIN labels l ON l.id = il.label_id
     WHERE il.issue_id IN (${placeholders(issueIds)})
     ORDER BY l.name COLLATE NOCASE`,
    issueIds,
  );
  for (const { issue_id: issueId, ...label } of rows) {
    map.set(issueId, [...(map.get(issueId) ?? []), label]);
  }
  return map;
}

function countsBy(db: Db, sql: string, ids: number[]): Map<number, number> {
  const map = new Map<number, number>();
  if (ids.length === 0) return map;
  for (const row of db.all<{ id: number; n: number }>(sql.replace('$IDS', placeholders(ids)), ids)) {
    map.set(row.id, row.n);
  }
  return map;
}

/** Turns issue rows into summaries with a handful of queries, whatever the number of rows. */
export function toSummaries(db: Db, viewer: Viewer, rows: IssueRow[]): IssueSummary[] {
  const ids = rows.map((row) => row.id);
  const today = todayIn(viewer.timeZone);
  const assignees = usersById(db, rows.map((row) => row.assignee_id));
  const labels = labelsByIssue(db, ids);
  const comments = countsBy(db, 'SELECT issue_id AS id, COUNT(*) AS n FROM comments WHERE issue_id IN ($IDS) GROUP BY issue_id', ids);
  const subIssues = countsBy(db, 'SELECT parent_id AS id, COUNT(*) AS n FROM issues WHERE parent_id IN ($IDS) GROUP BY parent_id', ids);
  const subIssuesDone = countsBy(
    db,
    "SELECT parent_id AS id, COUNT(*) AS n FROM issues WHERE parent_id IN ($IDS) AND status = 'done' GROUP BY parent_id",
    ids,
  );
  const openBlockers = countsBy(
    db,
    `SELECT r.to_issue_id AS id, COUNT(*) AS n FROM issue_relations r JOIN issues b ON b.id = r.from_issue_id
     WHERE r.kind = 'blocks' AND r.to_issue_id IN ($IDS) AND b.status NOT IN ('done', 'canceled')
     GROUP BY r.to_issue_id`,
    ids,
  );
  const parentIds = [...new Set(rows.map((row) => row.parent_id).filter((id): id is number => id !== null))];
  const parentKeys = new Map<number, string>();
  if (parentIds.length > 0) {
    for (const parent of db.all<IssueRow>(`${ISSUE_SELECT} WHERE i.id IN (${placeholders(parentIds)})`, parentIds)) {
      parentKeys.set(parent.id, issueKey(parent));
    }
  }
  return rows.map((row) => ({
    id: row.id,
    key: issueKey(row),
    number: row.number,
    project_key: row.project_key,
    title: row.title,
    status: row.status,
    priority: row.priority,
    assignee: row.assignee_id === null ? null : assignees.get(row.assignee_id) ?? null,
    labels: labels.get(row.id) ?? [],
    estimate: row.estimate,
    due_date: row.due_date,
    cycle_id: row.cycle_id,
    parent_key: row.parent_id === null ? null : parentKeys.get(row.parent_id) ?? null,
    sort_order: row.sort_order,
    comment_count: comments.get(row.id) ?? 0,
    sub_issue_count: subIssues.get(row.id) ?? 0,
    sub_issue_done_count: subIssuesDone.get(row.id) ?? 0,
    overdue: isOverdue(row, today),
    blocked: (openBlockers.get(row.id) ?? 0) > 0,
    created_at: row.created_at,
    updated_at: row.updated_at,
    completed_at: row.completed_at,
  }));
}

/** Open, with a due date before today (a due date is the last day to finish: due today is not late). */
export function isOverdue(row: Pick<IssueRow, 'status' | 'due_date'>, today: string): boolean {
  return row.due_date !== null && !isClosed(row.status) && row.due_date < today;
}

interface SqlQuery {
  where: string[];
  params: SqlParam[];
  orderBy: string[];
}

/** Summaries of the issues matching `query`, restricted to the projects the viewer can see. */
export function listIssueSummaries(db: Db, viewer: Viewer, query: SqlQuery): IssueSummary[] {
  const visible = visibleProjectIds(db, viewer);
  if (visible.length === 0) return [];
  const where = [...query.where, `i.project_id IN (${placeholders(visible)})`];
  const rows = db.all<IssueRow>(
    `${ISSUE_SELECT} WHERE ${where.join(' AND ')} ORDER BY ${query.orderBy.join(', ')}`,
    [...query.params, ...visible],
  );
  return toSummaries(db, viewer, rows);
}

// ---------------------------------------------------------------------------------------------
// Filtered lists

export type AssigneeFilter = number | 'me' | 'none';

export interface IssueFilters {
  status?: Status[];
  assignee?: AssigneeFilter[];
  label?: number[];
  priority?: Priority[];
  overdue?: boolean;
  cycle?: number | 'active' | 'none';
  sort: IssueSort;
  group?: IssueGroup;
  cursor?: string;
  limit: number;
}

const SORT_ORDER: Record<IssueSort, string[]> = {
  priority: [PRIORITY_RANK_SQL, 'i.updated_at DESC', 'i.id DESC'],
  updated: ['i.updated_at DESC', 'i.id DESC'],
  created: ['i.created_at DESC', 'i.id DESC'],
  due: ['i.due_date IS NULL', 'i.due_date', PRIORITY_RANK_SQL, 'i.id'],
  estimate: ['i.estimate IS NULL', 'i.estimate DESC', PRIORITY_RANK_SQL, 'i.id'],
  manual: [STATUS_RANK_SQL, 'i.sort_order', 'i.id'],
};

const GROUP_ORDER: Record<IssueGroup, string[]> = {
  status: [STATUS_RANK_SQL],
  priority: [PRIORITY_RANK_SQL],
  assignee: ['i.assignee_id IS NULL', '(SELECT u.name FROM users u WHERE u.id = i.assignee_id) COLLATE NOCASE', 'i.assignee_id'],
};

export function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^o:(\d{1,9})$/.exec(text);
  if (!match) throw badRequest('Invalid cursor', 'cursor');
  return Number(match[1]);
}

export interface IssueScope {
  /** Only this project's issues (already checked visible). */
  projectId?: number;
  /** Only issues assigned to this user. */
  assigneeId?: number;
}

function activeCycleIds(db: Db, scope: IssueScope, today: string): number[] {
  const rows = scope.projectId === undefined
    ? db.all<CycleRow>('SELECT * FROM cycles')
    : db.all<CycleRow>('SELECT * FROM cycles WHERE project_id = ?', [scope.projectId]);
  return rows.filter((row) => cycleStatus(row, today) === 'active').map((row) => row.id);
}

function filterSql(db: Db, viewer: Viewer, scope: IssueScope, filters: IssueFilters): { where: string[]; params: SqlParam[] } {
  const where: string[] = [];
  const params: SqlParam[] = [];
  const today = todayIn(viewer.timeZone);
  if (scope.projectId !== undefined) {
    where.push('i.project_id = ?');
    params.push(scope.projectId);
  }
  if (scope.assigneeId !== undefined) {
    where.push('i.assignee_id = ?');
    params.push(scope.assigneeId);
  }
  if (filters.status?.length) {
    where.push(`i.status IN (${placeholders(filters.status)})`);
    params.push(...filters.status);
  }
  if (filters.priority?.length) {
    where.push(`i.priority IN (${placeholders(filters.priority)})`);
    params.push(...filters.priority);
  }
  if (filters.assignee?.length) {
    const ids = filters.assignee.filter((a): a is number | 'me' => a !== 'none').map((a) => (a === 'me' ? viewer.id : a));
    const parts: string[] = [];
    if (ids.length > 0) {
      parts.push(`i.assignee_id IN (${placeholders(ids)})`);
      params.push(...ids);
    }
    if (filters.assignee.includes('none')) parts.push('i.assignee_id IS NULL');
    where.push(`(${parts.join(' OR ')})`);
  }
  if (filters.label?.length) {
    where.push(`EXISTS (SELECT 1 FROM issue_labels il WHERE il.issue_id = i.id AND il.label_id IN (${placeholders(filters.label)}))`);
    params.push(...filters.label);
  }
  if (filters.overdue) {
    where.push("i.due_date IS NOT NULL AND i.due_date < ? AND i.status NOT IN ('done', 'canceled')");
    params.push(today);
  }
  if (filters.cycle === 'none') {
    where.push('i.cycle_id IS NULL');
  } else if (filters.cycle === 'active') {
    const ids = activeCycleIds(db, scope, today);
    where.push(ids.length > 0 ? `i.cycle_id IN (${placeholders(ids)})` : '0');
    params.push(...ids);
  } else if (typeof filters.cycle === 'number') {
    where.push('i.cycle_id = ?');
    params.push(filters.cycle);
  }
  return { where, params };
}

export function queryIssues(db: Db, viewer: Viewer, scope: IssueScope, filters: IssueFilters): ListPage<IssueSummary> {
  const visible = visibleProjectIds(db, viewer);
  if (visible.length === 0) return { items: [], next_cursor: null, total: 0 };
  const { where, params } = filterSql(db, viewer, scope, filters);
  where.push(`i.project_id IN (${placeholders(visible)})`);
  params.push(...visible);
  const whereSql = where.join(' AND ');
  const total = Number(db.value(`SELECT COUNT(*) FROM issues i WHERE ${whereSql}`, params));
  const offset = filters.cursor ? decodeCursor(filters.cursor) : 0;
  const orderBy = [...(filters.group ? GROUP_ORDER[filters.group] : []), ...SORT_ORDER[filters.sort]];
  const rows = db.all<IssueRow>(
    `${ISSUE_SELECT} WHERE ${whereSql} ORDER BY ${orderBy.join(', ')} LIMIT ? OFFSET ?`,
    [...params, filters.limit, offset],
  );
  const nextOffset = offset + rows.length;
  return {
    items: toSummaries(db, viewer, rows),
    next_cursor: nextOffset < total && rows.length > 0 ? encodeCursor(nextOffset) : null,
    total,
  };
}
