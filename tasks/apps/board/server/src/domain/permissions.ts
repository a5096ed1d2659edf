// Who may do what. Admins may do everything; members read every project and change issues in
// the projects they belong to; guests read (and comment on) only the projects they were added to.

import type { Viewer } from '../auth';
import type { Db } from '../db';
import { conflict, forbidden } from '../errors';

export interface ProjectAccessRow {
  id: number;
  key: string;
  lead_id: number | null;
  archived: number;
}

export function isProjectMember(db: Db, projectId: number, userId: number): boolean {
  return db.get('SELECT 1 AS one FROM project_members WHERE project_id = ? AND user_id = ?', [projectId, userId]) !== undefined;
}

export function canViewProject(db: Db, viewer: Pick<Viewer, 'id' | 'role'>, project: ProjectAccessRow): boolean {
  if (viewer.role !== 'guest') return true;
  return isProjectMember(db, project.id, viewer.id);
}

/** Create, edit and move issues, plan cycles. Archived projects are read-only for everyone. */
export function canEditIssues(db: Db, viewer: Viewer, project: ProjectAccessRow): boolean {
  if (project.archived) return false;
  if (viewer.role === 'admin') return true;
  return viewer.role === 'member' && isProjectMember(db, project.id, viewer.id);
}

/** Rename the project, change its members. The lead may; an admin always may. */
export function canManageProject(viewer: Viewer, project: ProjectAccessRow): boolean {
  return viewer.role === 'admin' || project.lead_id === viewer.id;
}

/** Throws the right error when the viewer cannot edit issues in `project`: 403, or 409 when archived. */
export function assertCanEditIssues(db: Db, viewer: Viewer, project: ProjectAccessRow): void {
  if (viewer.role === 'guest') throw forbidden('Guests cannot change issues');
  if (viewer.role !== 'admin' && !isProjectMember(db, project.id, viewer.id)) {
    throw forbidden(`You are not a member of ${project.key}`);
  }
  if (project.archived) throw conflict(`${project.key} is archived`);
}

export function assertAdmin(viewer: Viewer, what = 'Only admins can do that'): void {
  if (viewer.role !== 'admin') throw forbidden(what);
}
