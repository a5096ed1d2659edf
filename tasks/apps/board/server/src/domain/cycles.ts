// Cycles (sprints). A cycle's status comes from its dates and the clock, in the viewer's time
// zone: upcoming before its start date, active from its start to its end date (both inclusive),
// completed after that or once it has been completed explicitly.

import type {
  CompleteCycleResponse,
  CreateCycleRequest,
  Cycle,
  CycleDetail,
  CycleStatus,
  UpdateCycleRequest,
} from '../../../shared/api';
import type { Viewer } from '../auth';
import { nowIso } from '../clock';
import type { Db } from '../db';
import { badRequest, conflict, notFound } from '../errors';
import { recordActivity } from './activity';
import { todayIn } from './dates';
import { listIssueSummaries } from './issueList';
import { assertCanEditIssues, canViewProject } from './permissions';
import { findProjectById, visibleProject, type ProjectRow } from './projects';
import { normalizeSpaces } from './text';

export interface CycleRow {
  id: number;
  project_id: number;
  number: number;
  name: string;
  starts_on: string;
  ends_on: string;
  completed_at: string | null;
  scope_changes: number;
  created_at: string;
}

export function cycleStatus(row: Pick<CycleRow, 'starts_on' | 'ends_on' | 'completed_at'>, today: string): CycleStatus {
  if (row.completed_at !== null || today > row.ends_on) return 'completed';
  if (today < row.starts_on) return 'upcoming';
  return 'active';
}

export function findCycle(db: Db, id: number): CycleRow | undefined {
  return db.get<CycleRow>('SELECT * FROM cycles WHERE id = ?', [id]);
}

export function activeCycleId(db: Db, projectId: number, timeZone: string): number | null {
  const today = todayIn(timeZone);
  const rows = db.all<CycleRow>('SELECT * FROM cycles WHERE project_id = ? ORDER BY starts_on', [projectId]);
  return rows.find((row) => cycleStatus(row, today) === 'active')?.id ?? null;
}

interface CycleStatsRow {
  cycle_id: number;
  issue_count: number;
  done_count: number;
  total_points: number;
  done_points: number;
}

/** Progress is done points over all points; canceled issues count for neither. */
export function progressPercent(donePoints: number, totalPoints: number): number {
  if (totalPoints <= 0) return 0;
  return Math.round((donePoints / totalPoints) * 100);
}

function toCycles(db: Db, rows: CycleRow[], today: string): Cycle[] {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const stats = new Map<number, CycleStatsRow>();
  for (const stat of db.all<CycleStatsRow>(
    `SELECT cycle_id,
            COUNT(*) AS issue_count,
            SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END) AS done_count,
            COALESCE(SUM(estimate), 0) AS total_points,
            COALESCE(SUM(CASE WHEN status = 'done' THEN estimate ELSE 0 END), 0) AS done_points
     FROM issues
     WHERE cycle_id IN (${ids.map(() => '?').join(', ')}) AND status <> 'canceled'
     GROUP BY cycle_id`,
    ids,
  )) {
    stats.set(stat.cycle_id, stat);
  }
  const projectKeys = new Map<number, string>();
  return rows.map((row) => {
    if (!projectKeys.has(row.project_id)) {
      projectKeys.set(row.project_id, findProjectById(db, row.project_id)?.key ?? '');
    }
    const stat = stats.get(row.id);
    const totalPoints = stat?.total_points ?? 0;
    const donePoints = stat?.done_points ?? 0;
    return {
      id: row.id,
      project_key: projectKeys.get(row.project_id) ?? '',
      number: row.number,
      name: row.name,
      starts_on: row.starts_on,
      ends_on: row.ends_on,
      status: cycleStatus(row, today),
      completed_at: row.completed_at,
      issue_count: stat?.issue_count ?? 0,
      done_count: stat?.done_count ?? 0,
      total_points: totalPoints,
      done_points: donePoints,
      progress: progressPercent(donePoints, totalPoints),
      scope_changes: row.scope_changes,
    };
  });
}

export function toCycle(db: Db, row: CycleRow, today: string): Cycle {
  return toCycles(db, [row], today)[0];
}

export function listCycles(db: Db, viewer: Viewer, key: string): Cycle[] {
  const project = visibleProject(db, viewer, key);
  const rows = db.all<CycleRow>('SELECT * FROM cycles WHERE project_id = ? ORDER BY starts_on, id', [project.id]);
  return toCycles(db, rows, todayIn(viewer.timeZone));
}

function visibleCycle(db: Db, viewer: Viewer, id: number): { cycle: CycleRow; project: ProjectRow } {
  const cycle = findCycle(db, id);
  const project = cycle && findProjectById(db, cycle.project_id);
  if (!cycle || !project || !canViewProject(db, viewer, project)) throw notFound('Cycle');
  return { cycle, project };
}

export function getCycleDetail(db: Db, viewer: Viewer, id: number): CycleDetail {
  const { cycle } = visibleCycle(db, viewer, id);
  const issues = listIssueSummaries(db, viewer, {
    where: ['i.cycle_id = ?'],
    params: [cycle.id],
    orderBy: ['i.sort_order', 'i.id'],
  });
  return { ...toCycle(db, cycle, todayIn(viewer.timeZone)), issues };
}

function checkDates(startsOn: string, endsOn: string): void {
  if (endsOn < startsOn) throw badRequest('The cycle must end on or after its start date', 'ends_on');
}

function assertNoOverlap(db: Db, projectId: number, startsOn: string, endsOn: string, exceptId: number | null): void {
  const clash = db.get<CycleRow>(
    `SELECT * FROM cycles WHERE project_id = ? AND id IS NOT ? AND starts_on <= ? AND ends_on >= ?
     ORDER BY starts_on LIMIT 1`,
    [projectId, exceptId, endsOn, startsOn],
  );
  if (clash) throw conflict(`The dates overlap ${clash.name} (${clash.starts_on} to ${clash.ends_on})`, 'starts_on');
}

export function createCycle(db: Db, viewer: Viewer, key: string, input: CreateCycleRequest): Cycle {
  const project = visibleProject(db, viewer, key);
  assertCanEditIssues(db, viewer, project);
  checkDates(input.starts_on, input.ends_on);
  assertNoOverlap(db, project.id, input.starts_on, input.ends_on, null);
  const number = Number(db.value('SELECT COALESCE(MAX(number), 0) + 1 FROM cycles WHERE project_id = ?', [project.id]));
  const name = normalizeSpaces(input.name ?? '') || `Cycle ${number}`;
  const { lastId } = db.run(
    `INSERT INTO cycles (project_id, number, name, starts_on, ends_on, completed_at, scope_changes, created_at)
     VALUES (?, ?, ?, ?, ?, NULL, 0, ?)`,
    [project.id, number, name, input.starts_on, input.ends_on, nowIso()],
  );
  return toCycle(db, findCycle(db, lastId)!, todayIn(viewer.timeZone));
}

export function updateCycle(db: Db, viewer: Viewer, id: number, changes: UpdateCycleRequest): Cycle {
  const { cycle, project } = visibleCycle(db, viewer, id);
  assertCanEditIssues(db, viewer, project);
  const today = todayIn(viewer.timeZone);
  const status = cycleStatus(cycle, today);
  if (status === 'completed') throw conflict(`${cycle.name} is completed and can no longer change`);
  const startsOn = changes.starts_on ?? cycle.starts_on;
  const endsOn = changes.ends_on ?? cycle.ends_on;
  if (status === 'active' && startsOn !== cycle.starts_on) {
    throw conflict('An active cycle keeps its start date', 'starts_on');
  }
  if (status === 'active' && endsOn < today) {
    throw badRequest('An active cycle cannot end before today', 'ends_on');
  }
  checkDates(startsOn, endsOn);
  assertNoOverlap(db, project.id, startsOn, endsOn, cycle.id);
  const name = changes.name === undefined ? cycle.name : normalizeSpaces(changes.name);
  if (!name) throw badRequest('Name cannot be empty', 'name');
  db.run('UPDATE cycles SET name = ?, starts_on = ?, ends_on = ? WHERE id = ?', [name, startsOn, endsOn, cycle.id]);
  return toCycle(db, findCycle(db, cycle.id)!, today);
}

/**
 * Closes a cycle that has started. Its unfinished issues (neither done nor canceled) move to the
 * project's next cycle that is not completed, or out of any cycle when there is none.
 */
export function completeCycle(db: Db, viewer: Viewer, id: number): CompleteCycleResponse {
  const { cycle, project } = visibleCycle(db, viewer, id);
  assertCanEditIssues(db, viewer, project);
  const today = todayIn(viewer.timeZone);
  if (cycle.completed_at !== null) throw conflict(`${cycle.name} is already completed`);
  if (cycleStatus(cycle, today) === 'upcoming') throw conflict(`${cycle.name} has not started yet`);

  const timestamp = nowIso();
  db.run('UPDATE cycles SET completed_at = ? WHERE id = ?', [timestamp, cycle.id]);
  const next = db
    .all<CycleRow>(
      'SELECT * FROM cycles WHERE project_id = ? AND id <> ? AND starts_on > ? AND completed_at IS NULL ORDER BY starts_on',
      [project.id, cycle.id, cycle.starts_on],
    )
    .find((row) => cycleStatus(row, today) !== 'completed');

  const unfinished = db.all<{ id: number }>(
    "SELECT id FROM issues WHERE cycle_id = ? AND status NOT IN ('done', 'canceled') ORDER BY id",
    [cycle.id],
  );
  for (const issue of unfinished) {
    db.run('UPDATE issues SET cycle_id = ?, updated_at = ? WHERE id = ?', [next?.id ?? null, timestamp, issue.id]);
    recordActivity(db, issue.id, viewer.id, 'cycle', cycle.name, next?.name ?? null, timestamp);
    if (next) noteScopeChange(db, next.id, today);
  }
  return {
    cycle: toCycle(db, findCycle(db, cycle.id)!, today),
    next_cycle: next ? toCycle(db, findCycle(db, next.id)!, today) : null,
    moved_count: unfinished.length,
  };
}

/**
 * The cycle an issue of `projectId` may be put in: it must belong to the same project (400) and
 * must not be completed (409).
 */
export function cycleForIssue(db: Db, projectId: number, cycleId: number, today: string): CycleRow {
  const cycle = findCycle(db, cycleId);
  if (!cycle || cycle.project_id !== projectId) throw badRequest('No such cycle in this project', 'cycle_id');
  if (cycleStatus(cycle, today) === 'completed') throw conflict(`${cycle.name} is completed`, 'cycle_id');
  return cycle;
}

/** Adding an issue to, or taking one out of, a cycle that is under way changes its scope. */
export function noteScopeChange(db: Db, cycleId: number, today: string): void {
  const cycle = findCycle(db, cycleId);
  if (cycle && cycleStatus(cycle, today) === 'active') {
    db.run('UPDATE cycles SET scope_changes = scope_changes + 1 WHERE id = ?', [cycleId]);
  }
}
