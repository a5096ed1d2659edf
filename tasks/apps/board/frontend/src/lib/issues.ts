import {
  CLOSED_STATUSES,
  DEFAULT_ISSUE_SORT,
  ISSUE_GROUPS,
  ISSUE_SORTS,
  PRIORITY_LABELS,
  PRIORITY_ORDER,
  STATUS_LABELS,
  STATUS_ORDER,
  STATUS_TRANSITIONS,
} from '../../../shared/api';
import { isOverdue } from './dates';
import type { IssueGroup, IssueListQuery, IssueSort, IssueSummary, Priority, Status } from '../../../shared/api';

export function isClosed(status: Status): boolean {
  return CLOSED_STATUSES.includes(status);
}

/** Whether the workflow lets an issue go from `from` to `to` (staying put is always allowed). */
export function canTransition(from: Status, to: Status): boolean {
  return from === to || STATUS_TRANSITIONS[from].includes(to);
}

export function isStatus(value: string): value is Status {
  return (STATUS_ORDER as readonly string[]).includes(value);
}

export function isPriority(value: string): value is Priority {
  return (PRIORITY_ORDER as readonly string[]).includes(value);
}

export const SORT_LABELS: Record<IssueSort, string> = {
  priority: 'Priority',
  updated: 'Last updated',
  due: 'Due date',
  created: 'Created',
  estimate: 'Estimate',
  manual: 'Manual',
};

export const GROUP_LABELS: Record<IssueGroup, string> = {
  status: 'Status',
  assignee: 'Assignee',
  priority: 'Priority',
};

// ---------------------------------------------------------------------------------------------
// Filters in the URL query

export interface IssueFilters {
  status: Status[];
  /** User ids as strings, "me" or "none". */
  assignee: string[];
  /** Label ids as strings. */
  label: string[];
  priority: Priority[];
  overdue: boolean;
  sort: IssueSort;
  group: IssueGroup | null;
}

function listParam(params: URLSearchParams, name: string): string[] {
  return (params.get(name) ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

/** Reads the filters from a list page's query; unknown values are ignored rather than failing. */
export function parseFilters(params: URLSearchParams): IssueFilters {
  const sort = params.get('sort') ?? '';
  const group = params.get('group') ?? '';
  return {
    status: listParam(params, 'status').filter(isStatus),
    assignee: listParam(params, 'assignee').filter((a) => a === 'me' || a === 'none' || /^\d+$/.test(a)),
    label: listParam(params, 'label').filter((l) => /^\d+$/.test(l)),
    priority: listParam(params, 'priority').filter(isPriority),
    overdue: params.get('overdue') === 'true',
    sort: (ISSUE_SORTS as readonly string[]).includes(sort) ? (sort as IssueSort) : DEFAULT_ISSUE_SORT,
    group: (ISSUE_GROUPS as readonly string[]).includes(group) ? (group as IssueGroup) : null,
  };
}

/** The query string for `filters`, leaving out defaults so shared links stay short. */
export function filtersToQuery(filters: IssueFilters): string {
  const params = new URLSearchParams();
  if (filters.status.length) params.set('status', filters.status.join(','));
  if (filters.assignee.length) params.set('assignee', filters.assignee.join(','));
  if (filters.label.length) params.set('label', filters.label.join(','));
  if (filters.priority.length) params.set('priority', filters.priority.join(','));
  if (filters.overdue) params.set('overdue', 'true');
  if (filters.sort !== DEFAULT_ISSUE_SORT) params.set('sort', filters.sort);
  if (filters.group) params.set('group', filters.group);
  // list separators stay readable in the address bar: ?status=todo,in_progress
  return params.toString().replace(/%2C/gi, ',');
}

export function toListQuery(filters: IssueFilters, cursor?: string | null): IssueListQuery {
  const query: IssueListQuery = { sort: filters.sort };
  if (filters.status.length) query.status = filters.status.join(',');
  if (filters.assignee.length) query.assignee = filters.assignee.join(',');
  if (filters.label.length) query.label = filters.label.join(',');
  if (filters.priority.length) query.priority = filters.priority.join(',');
  if (filters.overdue) query.overdue = 'true';
  if (filters.group) query.group = filters.group;
  if (cursor) query.cursor = cursor;
  return query;
}

export function activeFilterCount(filters: IssueFilters): number {
  return (
    filters.status.length +
    filters.assignee.length +
    filters.label.length +
    filters.priority.length +
    (filters.overdue ? 1 : 0)
  );
}

// ---------------------------------------------------------------------------------------------
// Sorting

function byPriority(a: IssueSummary, b: IssueSummary): number {
  return PRIORITY_ORDER.indexOf(a.priority) - PRIORITY_ORDER.indexOf(b.priority);
}

/** Later instants first. ISO strings of the same format compare correctly as text. */
function newestFirst(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

/** Issues without a due date come last; the nearest due date first. */
function byDue(a: IssueSummary, b: IssueSummary): number {
  if (a.due_date === b.due_date) return 0;
  if (a.due_date === null) return 1;
  if (b.due_date === null) return -1;
  return a.due_date < b.due_date ? -1 : 1;
}

/** Biggest estimate first; unestimated issues last. */
function byEstimate(a: IssueSummary, b: IssueSummary): number {
  if (a.estimate === b.estimate) return 0;
  if (a.estimate === null) return 1;
  if (b.estimate === null) return -1;
  return b.estimate - a.estimate;
}

export function compareIssues(sort: IssueSort): (a: IssueSummary, b: IssueSummary) => number {
  const primary: (a: IssueSummary, b: IssueSummary) => number = {
    priority: byPriority,
    updated: (a: IssueSummary, b: IssueSummary) => newestFirst(a.updated_at, b.updated_at),
    due: byDue,
    created: (a: IssueSummary, b: IssueSummary) => newestFirst(a.created_at, b.created_at),
    estimate: byEstimate,
    manual: (a: IssueSummary, b: IssueSummary) => a.sort_order - b.sort_order,
  }[sort];
  // ties: most recently updated first, then by number so the order is stable
  return (a, b) => primary(a, b) || newestFirst(a.updated_at, b.updated_at) || a.number - b.number;
}

export function sortIssues(issues: IssueSummary[], sort: IssueSort): IssueSummary[] {
  return [...issues].sort(compareIssues(sort));
}

// ---------------------------------------------------------------------------------------------
// Grouping

export interface IssueGroupBucket {
  /** Stable id of the group, used in data-testids: a status, a priority, a user id or "none". */
  id: string;
  title: string;
  issues: IssueSummary[];
}

export function groupIssues(issues: IssueSummary[], group: IssueGroup): IssueGroupBucket[] {
  if (group === 'status') {
    return STATUS_ORDER.map((status) => ({
      id: status,
      title: STATUS_LABELS[status],
      issues: issues.filter((issue) => issue.status === status),
    })).filter((bucket) => bucket.issues.length > 0);
  }
  if (group === 'priority') {
    return PRIORITY_ORDER.map((priority) => ({
      id: priority,
      title: PRIORITY_LABELS[priority],
      issues: issues.filter((issue) => issue.priority === priority),
    })).filter((bucket) => bucket.issues.length > 0);
  }
  const buckets = new Map<string, IssueGroupBucket>();
  for (const issue of issues) {
    const id = issue.assignee ? String(issue.assignee.id) : 'none';
    const title = issue.assignee ? issue.assignee.name : 'Unassigned';
    let bucket = buckets.get(id);
    if (!bucket) {
      bucket = { id, title, issues: [] };
      buckets.set(id, bucket);
    }
    bucket.issues.push(issue);
  }
  // people alphabetically, unassigned last
  return [...buckets.values()].sort((a, b) => {
    if (a.id === 'none') return 1;
    if (b.id === 'none') return -1;
    return a.title.localeCompare(b.title);
  });
}

/** Sum of the estimates, ignoring unestimated issues. */
export function totalPoints(issues: IssueSummary[]): number {
  return issues.reduce((sum, issue) => sum + (issue.estimate ?? 0), 0);
}

/** "2/5 sub-issues done". */
export function subIssueProgress(issue: Pick<IssueSummary, 'sub_issue_count' | 'sub_issue_done_count'>): string {
  return `${issue.sub_issue_done_count}/${issue.sub_issue_count} sub-issues done`;
}

/** Two-letter initials for an avatar: "Ada Lovelace" -> "AL". */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const first = words[0][0] ?? '';
  const last = words.length > 1 ? words[words.length - 1][0] ?? '' : '';
  return (first + last).toUpperCase();
}

// ---------------------------------------------------------------------------------------------
// Board ordering

/**
 * Where to drop `key` in a column: the neighbours' keys the server's move endpoint wants. The
 * column is given without the moved issue, and `index` is the position it should take.
 */
export function neighboursAt(column: IssueSummary[], index: number): { before?: string; after?: string } {
  if (index < column.length) return { before: column[index].key };
  if (column.length > 0) return { after: column[column.length - 1].key };
  return {};
}

/** The board's columns: each status's issues in manual order. */
export function boardColumns(issues: IssueSummary[]): Record<Status, IssueSummary[]> {
  const columns = Object.fromEntries(STATUS_ORDER.map((status) => [status, [] as IssueSummary[]])) as Record<
    Status,
    IssueSummary[]
  >;
  for (const issue of issues) columns[issue.status].push(issue);
  for (const status of STATUS_ORDER) columns[status].sort((a, b) => a.sort_order - b.sort_order);
  return columns;
}

/**
 * Moves `key` to `status` at `index` (in the destination column without the issue) and gives it a
 * sort_order between its new neighbours, the same way the server will; used for optimistic moves.
 */
export function applyMove(issues: IssueSummary[], key: string, status: Status, index: number): IssueSummary[] {
  const moving = issues.find((issue) => issue.key === key);
  if (!moving) return issues;
  const column = boardColumns(issues.filter((issue) => issue.key !== key))[status];
  const prev = column[index - 1];
  const next = column[index];
  let sortOrder: number;
  if (prev && next) sortOrder = (prev.sort_order + next.sort_order) / 2;
  else if (prev) sortOrder = prev.sort_order + 1;
  else if (next) sortOrder = next.sort_order - 1;
  else sortOrder = 0;
  const moved: IssueSummary = {
    ...moving,
    status,
    sort_order: sortOrder,
    completed_at: status === 'done' ? moving.completed_at ?? new Date().toISOString() : null,
    // a closed issue is never overdue; reopening one with a past due date makes it overdue again
    overdue: !isClosed(status) && isOverdue(moving.due_date),
  };
  return issues.map((issue) => (issue.key === key ? moved : issue));
}
