// Projects and their members.

import type {
  CreateProjectRequest,
  Project,
  ProjectMember,
  Role,
  UpdateProjectRequest,
} from '../../../shared/api';
import type { Viewer } from '../auth';
import { nowIso } from '../clock';
import type { Db } from '../db';
import { badRequest, conflict, forbidden, notFound } from '../errors';
import { activeCycleId } from './cycles';
import { canEditIssues, canManageProject, canViewProject, isProjectMember } from './permissions';
import { normalizeSpaces } from './text';
import { WORKSPACE_ID, getUser, roleOf, toUser, type UserRow } from './users';

export interface ProjectRow {
  id: number;
  key: string;
  name: string;
  description: string;
  lead_id: number | null;
  archived: number;
  next_number: number;
  created_at: string;
}

export const PROJECT_KEY_PATTERN = /^[A-Z]{2,5}$/;

export function findProjectByKey(db: Db, key: string): ProjectRow | undefined {
  return db.get<ProjectRow>('SELECT * FROM projects WHERE key = ?', [key.toUpperCase()]);
}

export function findProjectById(db: Db, id: number): ProjectRow | undefined {
  return db.get<ProjectRow>('SELECT * FROM projects WHERE id = ?', [id]);
}

/** The project if the viewer may see it; a project they may not see is "not found". */
export function visibleProject(db: Db, viewer: Viewer, key: string): ProjectRow {
  const row = findProjectByKey(db, key);
  if (!row || !canViewProject(db, viewer, row)) throw notFound(`Project ${key}`);
  return row;
}

/** Ids of the projects the viewer can see (all of them, except for guests). */
export function visibleProjectIds(db: Db, viewer: Viewer): number[] {
  if (viewer.role !== 'guest') {
    return db.all<{ id: number }>('SELECT id FROM projects').map((row) => row.id);
  }
  return db
    .all<{ project_id: number }>('SELECT project_id FROM project_members WHERE user_id = ?', [viewer.id])
    .map((row) => row.project_id);
}

export function toProject(db: Db, viewer: Viewer, row: ProjectRow): Project {
  const counts = db.get<{ total: number; open: number }>(
    `SELECT COUNT(*) AS total, COALESCE(SUM(CASE WHEN status IN ('done', 'canceled') THEN 0 ELSE 1 END), 0) AS open
     FROM issues WHERE project_id = ?`,
    [row.id],
  ) ?? { total: 0, open: 0 };
  const memberCount = Number(db.value('SELECT COUNT(*) FROM project_members WHERE project_id = ?', [row.id]));
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    description: row.description,
    lead: row.lead_id === null ? null : getUser(db, row.lead_id) ?? null,
    archived: row.archived === 1,
    member_count: memberCount,
    issue_count: counts.total,
    open_issue_count: counts.open,
    active_cycle_id: activeCycleId(db, row.id, viewer.timeZone),
    created_at: row.created_at,
    is_member: isProjectMember(db, row.id, viewer.id),
    can_edit_issues: canEditIssues(db, viewer, row),
    can_manage: canManageProject(viewer, row),
  };
}

/** Active projects first, then archived ones; by name within each. */
export function listProjects(db: Db, viewer: Viewer): Project[] {
  const visible = new Set(visibleProjectIds(db, viewer));
  return db
    .all<ProjectRow>('SELECT * FROM projects ORDER BY archived, name COLLATE NOCASE')
    .filter((row) => visible.has(row.id))
    .map((row) => toProject(db, viewer, row));
}

/** A lead must be a workspace member who is not a guest. */
function checkLead(db: Db, leadId: number): void {
  const role = roleOf(db, leadId);
  if (!role) throw badRequest('The lead must be a member of the workspace', 'lead_id');
  if (role === 'guest') throw badRequest('A guest cannot lead a project', 'lead_id');
}

function addMemberRow(db: Db, projectId: number, userId: number): void {
  db.run('INSERT OR IGNORE INTO project_members (project_id, user_id, added_at) VALUES (?, ?, ?)', [
    projectId,
    userId,
    nowIso(),
  ]);
}

export function createProject(db: Db, viewer: Viewer, input: CreateProjectRequest): Project {
  if (viewer.role !== 'admin') throw forbidden('Only admins can create projects');
  const key = input.key.trim().toUpperCase();
  if (!PROJECT_KEY_PATTERN.test(key)) throw badRequest('The key must be 2 to 5 letters', 'key');
  if (findProjectByKey(db, key)) throw conflict(`The key ${key} is already used`, 'key');
  const name = normalizeSpaces(input.name);
  if (!name) throw badRequest('Name cannot be empty', 'name');
  const leadId = input.lead_id ?? null;
  if (leadId !== null) checkLead(db, leadId);
  const { lastId } = db.run(
    `INSERT INTO projects (workspace_id, key, name, description, lead_id, archived, next_number, created_at)
     VALUES (?, ?, ?, ?, ?, 0, 1, ?)`,
    [WORKSPACE_ID, key, name, (input.description ?? '').trim(), leadId, nowIso()],
  );
  addMemberRow(db, lastId, viewer.id);
  if (leadId !== null) addMemberRow(db, lastId, leadId);
  return toProject(db, viewer, findProjectById(db, lastId)!);
}

export function updateProject(db: Db, viewer: Viewer, key: string, changes: UpdateProjectRequest): Project {
  const project = visibleProject(db, viewer, key);
  if (!canManageProject(viewer, project)) throw forbidden('Only an admin or the project lead can edit the project');
  if ((changes.archived !== undefined || changes.lead_id !== undefined) && viewer.role !== 'admin') {
    throw forbidden('Only admins can change the lead or archive a project');
  }
  if (changes.name !== undefined) {
    const name = normalizeSpaces(changes.name);
    if (!name) throw badRequest('Name cannot be empty', 'name');
    db.run('UPDATE projects SET name = ? WHERE id = ?', [name, project.id]);
  }
  if (changes.description !== undefined) {
    db.run('UPDATE projects SET description = ? WHERE id = ?', [changes.description.trim(), project.id]);
  }
  if (changes.lead_id !== undefined) {
    if (changes.lead_id !== null) {
      checkLead(db, changes.lead_id);
      addMemberRow(db, project.id, changes.lead_id);
    }
    db.run('UPDATE projects SET lead_id = ? WHERE id = ?', [changes.lead_id, project.id]);
  }
  if (changes.archived !== undefined) {
    db.run('UPDATE projects SET archived = ? WHERE id = ?', [changes.archived ? 1 : 0, project.id]);
  }
  return toProject(db, viewer, findProjectById(db, project.id)!);
}

export function listProjectMembers(db: Db, viewer: Viewer, key: string): ProjectMember[] {
  const project = visibleProject(db, viewer, key);
  return db
    .all<UserRow & { role: Role }>(
      `SELECT u.id, u.name, u.handle, u.email, wm.role FROM project_members pm
       JOIN users u ON u.id = pm.user_id
       JOIN workspace_members wm ON wm.user_id = u.id
       WHERE pm.project_id = ?
       ORDER BY u.name COLLATE NOCASE`,
      [project.id],
    )
    .map((row) => ({ ...toUser(row), role: row.role, is_lead: row.id === project.lead_id }));
}

export function addProjectMember(db: Db, viewer: Viewer, key: string, userId: number): ProjectMember[] {
  const project = visibleProject(db, viewer, key);
  if (!canManageProject(viewer, project)) throw forbidden('Only an admin or the project lead can add members');
  if (!roleOf(db, userId)) throw badRequest('No such member in the workspace', 'user_id');
  if (isProjectMember(db, project.id, userId)) throw conflict('Already a member of this project', 'user_id');
  addMemberRow(db, project.id, userId);
  return listProjectMembers(db, viewer, key);
}

export function removeProjectMember(db: Db, viewer: Viewer, key: string, userId: number): ProjectMember[] {
  const project = visibleProject(db, viewer, key);
  if (!canManageProject(viewer, project)) throw forbidden('Only an admin or the project lead can remove members');
  if (!isProjectMember(db, project.id, userId)) throw notFound('Project member');
  if (project.lead_id === userId) throw conflict('The lead cannot leave the project: choose another lead first');
  db.run('DELETE FROM project_members WHERE project_id = ? AND user_id = ?', [project.id, userId]);
  return listProjectMembers(db, viewer, key);
}
