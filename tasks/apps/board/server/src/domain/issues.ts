// Changing issues: create, edit (field by field, each change logged), move on the board,
// delete, and relations between issues.

import type {
  CreateIssueRequest,
  CreateRelationRequest,
  Issue,
  IssueRef,
  MoveIssueRequest,
  Relation,
  RelationType,
  Status,
  UpdateIssueRequest,
} from '../../../shared/api';
import type { Viewer } from '../auth';
import { nowIso } from '../clock';
import type { Db } from '../db';
import { badRequest, conflict, forbidden, notFound } from '../errors';
import { recordActivity } from './activity';
import { cycleForIssue, cycleStatus, findCycle, noteScopeChange } from './cycles';
import { todayIn } from './dates';
import { ISSUE_SELECT, issueKey, listIssueSummaries, toSummaries, type IssueRow } from './issueList';
import { checkLabelIds, labelNames } from './labels';
import { isSubscribed, notify, notifyStatusChange, subscribe } from './notifications';
import { endOfColumn, positionInColumn } from './ordering';
import { assertCanEditIssues, canEditIssues, canViewProject, isProjectMember } from './permissions';
import { findProjectById, visibleProject, type ProjectRow } from './projects';
import { normalizeSpaces } from './text';
import { getUser, roleOf, usersById } from './users';
import { assertCanMove, completedAtAfter } from './workflow';

const ISSUE_KEY_PATTERN = /^([A-Za-z]{2,5})-(\d{1,9})$/;

export function parseIssueKey(key: string): { projectKey: string; number: number } | null {
  const match = ISSUE_KEY_PATTERN.exec(key.trim());
  return match ? { projectKey: match[1].toUpperCase(), number: Number(match[2]) } : null;
}

export function findIssueByKey(db: Db, key: string): IssueRow | undefined {
  const parsed = parseIssueKey(key);
  if (!parsed) return undefined;
  return db.get<IssueRow>(`${ISSUE_SELECT} WHERE p.key = ? AND i.number = ?`, [parsed.projectKey, parsed.number]);
}

export function findIssueById(db: Db, id: number): IssueRow | undefined {
  return db.get<IssueRow>(`${ISSUE_SELECT} WHERE i.id = ?`, [id]);
}

/** The issue and its project, if the viewer can see them (otherwise a 404, never a 403). */
export function visibleIssue(db: Db, viewer: Viewer, key: string): { issue: IssueRow; project: ProjectRow } {
  const issue = findIssueByKey(db, key);
  const project = issue && findProjectById(db, issue.project_id);
  if (!issue || !project || !canViewProject(db, viewer, project)) throw notFound(`Issue ${key}`);
  return { issue, project };
}

function toRef(row: IssueRow): IssueRef {
  return { key: issueKey(row), title: row.title, status: row.status, project_key: row.project_key };
}

/** Only the creator, the project lead and admins may delete an issue. */
function canDeleteIssue(db: Db, viewer: Viewer, issue: IssueRow, project: ProjectRow): boolean {
  if (!canEditIssues(db, viewer, project)) return false;
  return viewer.role === 'admin' || issue.created_by === viewer.id || project.lead_id === viewer.id;
}

interface RelationRow {
  id: number;
  from_issue_id: number;
  to_issue_id: number;
  kind: 'blocks' | 'relates';
}

function relationsOf(db: Db, viewer: Viewer, issueId: number): Relation[] {
  const rows = db.all<RelationRow>(
    'SELECT id, from_issue_id, to_issue_id, kind FROM issue_relations WHERE from_issue_id = ? OR to_issue_id = ? ORDER BY id',
    [issueId, issueId],
  );
  return rows.flatMap((row): Relation[] => {
    const outgoing = row.from_issue_id === issueId;
    const other = findIssueById(db, outgoing ? row.to_issue_id : row.from_issue_id);
    const project = other && findProjectById(db, other.project_id);
    if (!other || !project || !canViewProject(db, viewer, project)) return [];
    const type: RelationType = row.kind === 'relates' ? 'relates' : outgoing ? 'blocks' : 'blocked_by';
    return [{ id: row.id, type, issue: toRef(other) }];
  });
}

export function issueDetail(db: Db, viewer: Viewer, issue: IssueRow, project: ProjectRow): Issue {
  const [summary] = toSummaries(db, viewer, [issue]);
  const creator = usersById(db, [issue.created_by]).get(issue.created_by);
  if (!creator) throw notFound('Issue creator');
  const cycle = issue.cycle_id === null ? undefined : findCycle(db, issue.cycle_id);
  const parent = issue.parent_id === null ? undefined : findIssueById(db, issue.parent_id);
  return {
    ...summary,
    description: issue.description,
    created_by: creator,
    cycle: cycle ? { id: cycle.id, name: cycle.name, status: cycleStatus(cycle, todayIn(viewer.timeZone)) } : null,
    parent: parent ? toRef(parent) : null,
    sub_issues: listIssueSummaries(db, viewer, { where: ['i.parent_id = ?'], params: [issue.id], orderBy: ['i.number'] }),
    relations: relationsOf(db, viewer, issue.id),
    subscribed: isSubscribed(db, issue.id, viewer.id),
    can_edit: canEditIssues(db, viewer, project),
    can_delete: canDeleteIssue(db, viewer, issue, project),
  };
}

export function getIssue(db: Db, viewer: Viewer, key: string): Issue {
  const { issue, project } = visibleIssue(db, viewer, key);
  return issueDetail(db, viewer, issue, project);
}

function reload(db: Db, viewer: Viewer, issueId: number): Issue {
  const issue = findIssueById(db, issueId);
  const project = issue && findProjectById(db, issue.project_id);
  if (!issue || !project) throw notFound('Issue');
  return issueDetail(db, viewer, issue, project);
}

// ---------------------------------------------------------------------------------------------
// Checks of the fields that point at other things

function cleanTitle(title: string): string {
  const clean = normalizeSpaces(title);
  if (!clean) throw badRequest('Title cannot be empty', 'title');
  return clean;
}

/** An assignee must be a non-guest member of the workspace who belongs to the project. */
function checkAssignee(db: Db, project: ProjectRow, userId: number): void {
  const role = roleOf(db, userId);
  if (!role) throw badRequest('No such member in the workspace', 'assignee_id');
  if (role === 'guest') throw badRequest('Guests cannot be assigned issues', 'assignee_id');
  if (!isProjectMember(db, project.id, userId)) {
    const user = getUser(db, userId);
    throw badRequest(`${user?.name ?? 'That user'} is not a member of ${project.key}`, 'assignee_id');
  }
}

/** The parent issue: same project, and not the issue itself or one of its sub-issues. */
function resolveParent(db: Db, project: ProjectRow, parentKey: string, childId: number | null): IssueRow {
  const parent = findIssueByKey(db, parentKey);
  if (!parent || parent.project_id !== project.id) {
    throw badRequest(`No issue ${parentKey} in ${project.key}`, 'parent_key');
  }
  for (let ancestor: IssueRow | undefined = parent; ancestor; ) {
    if (ancestor.id === childId) throw badRequest('An issue cannot be a sub-issue of itself or of its own sub-issue', 'parent_key');
    ancestor = ancestor.parent_id === null ? undefined : findIssueById(db, ancestor.parent_id);
  }
  return parent;
}

function currentLabelIds(db: Db, issueId: number): number[] {
  return db.all<{ label_id: number }>('SELECT label_id FROM issue_labels WHERE issue_id = ? ORDER BY label_id', [issueId]).map(
    (row) => row.label_id,
  );
}

function setLabels(db: Db, issueId: number, labelIds: number[]): void {
  db.run('DELETE FROM issue_labels WHERE issue_id = ?', [issueId]);
  for (const labelId of labelIds) {
    db.run('INSERT INTO issue_labels (issue_id, label_id) VALUES (?, ?)', [issueId, labelId]);
  }
}

function sameSet(a: number[], b: number[]): boolean {
  const sortedB = [...b].sort((x, y) => x - y);
  return a.length === b.length && [...a].sort((x, y) => x - y).every((id, i) => id === sortedB[i]);
}

// ---------------------------------------------------------------------------------------------
// Create

export function createIssue(db: Db, viewer: Viewer, projectKey: string, input: CreateIssueRequest): Issue {
  const project = visibleProject(db, viewer, projectKey);
  assertCanEditIssues(db, viewer, project);
  const today = todayIn(viewer.timeZone);
  const title = cleanTitle(input.title);
  const status: Status = input.status ?? 'todo';
  const assigneeId = input.assignee_id ?? null;
  if (assigneeId !== null) checkAssignee(db, project, assigneeId);
  const labelIds = checkLabelIds(db, input.label_ids ?? []);
  const cycleId = input.cycle_id ?? null;
  if (cycleId !== null) cycleForIssue(db, project.id, cycleId, today);
  const parent = input.parent_key ? resolveParent(db, project, input.parent_key, null) : null;

  const timestamp = nowIso();
  const number = project.next_number;
  db.run('UPDATE projects SET next_number = next_number + 1 WHERE id = ?', [project.id]);
  const { lastId } = db.run(
    `INSERT INTO issues (project_id, number, title, description, status, priority, assignee_id, estimate, due_date,
                         sort_order, created_by, created_at, updated_at, completed_at, cycle_id, parent_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      project.id,
      number,
      title,
      (input.description ?? '').trim(),
      status,
      input.priority ?? 'none',
      assigneeId,
      input.estimate ?? null,
      input.due_date ?? null,
      endOfColumn(db, project.id, status),
      viewer.id,
      timestamp,
      timestamp,
      status === 'done' ? timestamp : null,
      cycleId,
      parent?.id ?? null,
    ],
  );
  setLabels(db, lastId, labelIds);
  recordActivity(db, lastId, viewer.id, 'created', null, `${project.key}-${number}`, timestamp);
  if (cycleId !== null) noteScopeChange(db, cycleId, today);

  const issue = findIssueById(db, lastId)!;
  subscribe(db, issue.id, viewer.id);
  if (assigneeId !== null) {
    subscribe(db, issue.id, assigneeId);
    notify(db, assigneeId, 'assigned', issue, viewer.id);
  }
  return issueDetail(db, viewer, issue, project);
}

// ---------------------------------------------------------------------------------------------
// Update

/**
 * Applies the changes one field at a time; every field that really changes writes one activity
 * entry. Returns whether anything changed (the caller then bumps updated_at).
 */
function applyChanges(db: Db, viewer: Viewer, issue: IssueRow, project: ProjectRow, changes: UpdateIssueRequest, timestamp: string): boolean {
  const today = todayIn(viewer.timeZone);
  let changed = false;
  const log = (field: Parameters<typeof recordActivity>[3], from: string | null, to: string | null) => {
    recordActivity(db, issue.id, viewer.id, field, from, to, timestamp);
    changed = true;
  };

  if (changes.title !== undefined) {
    const title = cleanTitle(changes.title);
    if (title !== issue.title) {
      db.run('UPDATE issues SET title = ? WHERE id = ?', [title, issue.id]);
      log('title', issue.title, title);
    }
  }
  if (changes.description !== undefined) {
    const description = changes.description.trim();
    if (description !== issue.description) {
      db.run('UPDATE issues SET description = ? WHERE id = ?', [description, issue.id]);
      log('description', null, null);
    }
  }
  if (changes.priority !== undefined && changes.priority !== issue.priority) {
    db.run('UPDATE issues SET priority = ? WHERE id = ?', [changes.priority, issue.id]);
    log('priority', issue.priority, changes.priority);
  }
  if (changes.estimate !== undefined && changes.estimate !== issue.estimate) {
    db.run('UPDATE issues SET estimate = ? WHERE id = ?', [changes.estimate, issue.id]);
    log('estimate', issue.estimate === null ? null : String(issue.estimate), changes.estimate === null ? null : String(changes.estimate));
  }
  if (changes.due_date !== undefined && changes.due_date !== issue.due_date) {
    db.run('UPDATE issues SET due_date = ? WHERE id = ?', [changes.due_date, issue.id]);
    log('due_date', issue.due_date, changes.due_date);
  }
  if (changes.assignee_id !== undefined && changes.assignee_id !== issue.assignee_id) {
    const assigneeId = changes.assignee_id;
    if (assigneeId !== null) checkAssignee(db, project, assigneeId);
    db.run('UPDATE issues SET assignee_id = ? WHERE id = ?', [assigneeId, issue.id]);
    const before = issue.assignee_id === null ? null : getUser(db, issue.assignee_id)?.name ?? null;
    const after = assigneeId === null ? null : getUser(db, assigneeId)?.name ?? null;
    log('assignee', before, after);
    if (assigneeId !== null) {
      subscribe(db, issue.id, assigneeId);
      notify(db, assigneeId, 'assigned', issue, viewer.id);
    }
  }
  if (changes.label_ids !== undefined) {
    const labelIds = checkLabelIds(db, changes.label_ids);
    const current = currentLabelIds(db, issue.id);
    if (!sameSet(current, labelIds)) {
      setLabels(db, issue.id, labelIds);
      log('labels', labelNames(db, current), labelNames(db, labelIds));
    }
  }
  if (changes.cycle_id !== undefined && changes.cycle_id !== issue.cycle_id) {
    const next = changes.cycle_id === null ? null : cycleForIssue(db, project.id, changes.cycle_id, today);
    const previous = issue.cycle_id === null ? undefined : findCycle(db, issue.cycle_id);
    db.run('UPDATE issues SET cycle_id = ? WHERE id = ?', [next?.id ?? null, issue.id]);
    if (previous) noteScopeChange(db, previous.id, today);
    if (next) noteScopeChange(db, next.id, today);
    log('cycle', previous?.name ?? null, next?.name ?? null);
  }
  if (changes.parent_key !== undefined) {
    const parent = changes.parent_key === null ? null : resolveParent(db, project, changes.parent_key, issue.id);
    if ((parent?.id ?? null) !== issue.parent_id) {
      const previous = issue.parent_id === null ? undefined : findIssueById(db, issue.parent_id);
      db.run('UPDATE issues SET parent_id = ? WHERE id = ?', [parent?.id ?? null, issue.id]);
      log('parent', previous ? issueKey(previous) : null, parent ? issueKey(parent) : null);
    }
  }
  if (changes.status !== undefined && changes.status !== issue.status) {
    changeStatus(db, viewer, issue, changes.status, endOfColumn(db, project.id, changes.status, issue.id), timestamp);
    changed = true;
  }
  return changed;
}

function changeStatus(db: Db, viewer: Viewer, issue: IssueRow, to: Status, sortOrder: number, timestamp: string): void {
  assertCanMove(db, issue, to);
  db.run('UPDATE issues SET status = ?, sort_order = ?, completed_at = ? WHERE id = ?', [
    to,
    sortOrder,
    completedAtAfter(issue, to, timestamp),
    issue.id,
  ]);
  recordActivity(db, issue.id, viewer.id, 'status', issue.status, to, timestamp);
  notifyStatusChange(db, issue, viewer.id, to);
}

export function updateIssue(db: Db, viewer: Viewer, key: string, changes: UpdateIssueRequest): Issue {
  const { issue, project } = visibleIssue(db, viewer, key);
  assertCanEditIssues(db, viewer, project);
  const timestamp = nowIso();
  if (applyChanges(db, viewer, issue, project, changes, timestamp)) {
    db.run('UPDATE issues SET updated_at = ? WHERE id = ?', [timestamp, issue.id]);
  }
  return reload(db, viewer, issue.id);
}

/** Board drag and drop: change the column (status) and the place within it. */
export function moveIssue(db: Db, viewer: Viewer, key: string, input: MoveIssueRequest): Issue {
  const { issue, project } = visibleIssue(db, viewer, key);
  assertCanEditIssues(db, viewer, project);
  if (input.before !== undefined && input.after !== undefined) {
    throw badRequest('Give either before or after, not both', 'before');
  }
  const anchorKey = input.before ?? input.after;
  let anchorNumber: number | undefined;
  if (anchorKey !== undefined) {
    const anchor = findIssueByKey(db, anchorKey);
    const field = input.before !== undefined ? 'before' : 'after';
    if (!anchor || anchor.project_id !== project.id || anchor.status !== input.status) {
      throw badRequest(`${anchorKey} is not in that column`, field);
    }
    if (anchor.id === issue.id) throw badRequest('An issue cannot be placed next to itself', field);
    anchorNumber = anchor.number;
  }
  // Check the move before computing a position: renumbering a column is a write.
  assertCanMove(db, issue, input.status);
  const sortOrder = positionInColumn(db, project.id, input.status, issue.id, {
    beforeNumber: input.before !== undefined ? anchorNumber : undefined,
    afterNumber: input.after !== undefined ? anchorNumber : undefined,
  });
  const timestamp = nowIso();
  if (input.status !== issue.status) {
    changeStatus(db, viewer, issue, input.status, sortOrder, timestamp);
  } else {
    db.run('UPDATE issues SET sort_order = ? WHERE id = ?', [sortOrder, issue.id]);
  }
  db.run('UPDATE issues SET updated_at = ? WHERE id = ?', [timestamp, issue.id]);
  return reload(db, viewer, issue.id);
}

export function deleteIssue(db: Db, viewer: Viewer, key: string): void {
  const { issue, project } = visibleIssue(db, viewer, key);
  assertCanEditIssues(db, viewer, project);
  if (!canDeleteIssue(db, viewer, issue, project)) {
    throw forbidden('Only the creator, the project lead or an admin can delete an issue');
  }
  const timestamp = nowIso();
  const children = db.all<{ id: number }>('SELECT id FROM issues WHERE parent_id = ?', [issue.id]);
  for (const child of children) {
    db.run('UPDATE issues SET parent_id = NULL, updated_at = ? WHERE id = ?', [timestamp, child.id]);
    recordActivity(db, child.id, viewer.id, 'parent', issueKey(issue), null, timestamp);
  }
  if (issue.cycle_id !== null) noteScopeChange(db, issue.cycle_id, todayIn(viewer.timeZone));
  db.run('DELETE FROM issues WHERE id = ?', [issue.id]);
}

// ---------------------------------------------------------------------------------------------
// Relations

const RELATION_TEXT: Record<RelationType, string> = { blocks: 'blocks', blocked_by: 'blocked by', relates: 'relates to' };
const INVERSE: Record<RelationType, RelationType> = { blocks: 'blocked_by', blocked_by: 'blocks', relates: 'relates' };

/** Whether `fromId` already blocks `toId`, directly or through a chain of blocks. */
function blocksTransitively(db: Db, fromId: number, toId: number): boolean {
  const seen = new Set<number>();
  const queue = [fromId];
  while (queue.length > 0) {
    const current = queue.shift()!;
    if (current === toId) return true;
    if (seen.has(current)) continue;
    seen.add(current);
    for (const row of db.all<{ to_issue_id: number }>(
      "SELECT to_issue_id FROM issue_relations WHERE kind = 'blocks' AND from_issue_id = ?",
      [current],
    )) {
      queue.push(row.to_issue_id);
    }
  }
  return false;
}

export function addRelation(db: Db, viewer: Viewer, key: string, input: CreateRelationRequest): Issue {
  const { issue, project } = visibleIssue(db, viewer, key);
  assertCanEditIssues(db, viewer, project);
  const other = findIssueByKey(db, input.issue_key);
  const otherProject = other && findProjectById(db, other.project_id);
  if (!other || !otherProject || !canViewProject(db, viewer, otherProject)) {
    throw badRequest(`No issue ${input.issue_key}`, 'issue_key');
  }
  if (other.id === issue.id) throw badRequest('An issue cannot be related to itself', 'issue_key');

  const [fromId, toId] = input.type === 'blocked_by' ? [other.id, issue.id] : [issue.id, other.id];
  const kind = input.type === 'relates' ? 'relates' : 'blocks';
  const existing = db.get(
    `SELECT 1 AS one FROM issue_relations
     WHERE (from_issue_id = ? AND to_issue_id = ?) OR (from_issue_id = ? AND to_issue_id = ?)`,
    [issue.id, other.id, other.id, issue.id],
  );
  if (existing) throw conflict(`${issueKey(issue)} and ${issueKey(other)} are already related`, 'issue_key');
  if (kind === 'blocks' && blocksTransitively(db, toId, fromId)) {
    throw conflict('That would make a circle of blocking issues', 'issue_key');
  }
  const timestamp = nowIso();
  db.run('INSERT INTO issue_relations (from_issue_id, to_issue_id, kind, created_by, created_at) VALUES (?, ?, ?, ?, ?)', [
    fromId,
    toId,
    kind,
    viewer.id,
    timestamp,
  ]);
  recordActivity(db, issue.id, viewer.id, 'relation', null, `${RELATION_TEXT[input.type]} ${issueKey(other)}`, timestamp);
  recordActivity(db, other.id, viewer.id, 'relation', null, `${RELATION_TEXT[INVERSE[input.type]]} ${issueKey(issue)}`, timestamp);
  db.run('UPDATE issues SET updated_at = ? WHERE id IN (?, ?)', [timestamp, issue.id, other.id]);
  return reload(db, viewer, issue.id);
}

export function removeRelation(db: Db, viewer: Viewer, key: string, relationId: number): Issue {
  const { issue, project } = visibleIssue(db, viewer, key);
  assertCanEditIssues(db, viewer, project);
  const relation = db.get<RelationRow>('SELECT id, from_issue_id, to_issue_id, kind FROM issue_relations WHERE id = ?', [relationId]);
  if (!relation || (relation.from_issue_id !== issue.id && relation.to_issue_id !== issue.id)) throw notFound('Relation');
  const outgoing = relation.from_issue_id === issue.id;
  const other = findIssueById(db, outgoing ? relation.to_issue_id : relation.from_issue_id)!;
  const type: RelationType = relation.kind === 'relates' ? 'relates' : outgoing ? 'blocks' : 'blocked_by';
  const timestamp = nowIso();
  db.run('DELETE FROM issue_relations WHERE id = ?', [relationId]);
  recordActivity(db, issue.id, viewer.id, 'relation', `${RELATION_TEXT[type]} ${issueKey(other)}`, null, timestamp);
  recordActivity(db, other.id, viewer.id, 'relation', `${RELATION_TEXT[INVERSE[type]]} ${issueKey(issue)}`, null, timestamp);
  db.run('UPDATE issues SET updated_at = ? WHERE id IN (?, ?)', [timestamp, issue.id, other.id]);
  return reload(db, viewer, issue.id);
}
