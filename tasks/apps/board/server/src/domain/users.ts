// People: users as the API shows them, the profile, workspace roles, and the workspace itself.

import type { Me, Member, NotificationPrefs, Role, UpdateMeRequest, User, Workspace } from '../../../shared/api';
import type { Viewer } from '../auth';
import type { Db } from '../db';
import { badRequest, conflict, forbidden, notFound } from '../errors';
import { nowIso } from '../clock';
import { isTimeZone } from './dates';
import { normalizeSpaces } from './text';
import { recordActivity } from './activity';

export const WORKSPACE_ID = 1;

export interface UserRow {
  id: number;
  name: string;
  handle: string;
  email: string;
}

interface ProfileRow extends UserRow {
  role: Role;
  time_zone: string;
  notify_assigned: number;
  notify_mentioned: number;
  notify_status_changed: number;
  notify_commented: number;
}

export function toUser(row: UserRow): User {
  return { id: row.id, name: row.name, handle: row.handle, email: row.email };
}

/** Users by id, for building many rows at once. */
export function usersById(db: Db, ids: Iterable<number | null>): Map<number, User> {
  const wanted = [...new Set([...ids].filter((id): id is number => id !== null))];
  const map = new Map<number, User>();
  if (wanted.length === 0) return map;
  const rows = db.all<UserRow>(
    `SELECT id, name, handle, email FROM users WHERE id IN (${wanted.map(() => '?').join(', ')})`,
    wanted,
  );
  for (const row of rows) map.set(row.id, toUser(row));
  return map;
}

export function getUser(db: Db, id: number): User | undefined {
  const row = db.get<UserRow>('SELECT id, name, handle, email FROM users WHERE id = ?', [id]);
  return row && toUser(row);
}

/** The workspace role of a user, or undefined when they are not (or no longer) a member. */
export function roleOf(db: Db, userId: number): Role | undefined {
  return db.value<Role>('SELECT role FROM workspace_members WHERE workspace_id = ? AND user_id = ?', [WORKSPACE_ID, userId]);
}

export function getMe(db: Db, userId: number): Me {
  const row = db.get<ProfileRow>(
    `SELECT u.*, wm.role FROM users u JOIN workspace_members wm ON wm.user_id = u.id WHERE u.id = ?`,
    [userId],
  );
  if (!row) throw notFound('User');
  return {
    ...toUser(row),
    role: row.role,
    time_zone: row.time_zone,
    notification_prefs: {
      assigned: row.notify_assigned === 1,
      mentioned: row.notify_mentioned === 1,
      status_changed: row.notify_status_changed === 1,
      commented: row.notify_commented === 1,
    },
  };
}

const PREF_COLUMNS: Record<keyof NotificationPrefs, string> = {
  assigned: 'notify_assigned',
  mentioned: 'notify_mentioned',
  status_changed: 'notify_status_changed',
  commented: 'notify_commented',
};

export function updateMe(db: Db, viewer: Viewer, changes: UpdateMeRequest): Me {
  if (changes.name !== undefined) {
    const name = normalizeSpaces(changes.name);
    if (name.length === 0) throw badRequest('Name cannot be empty', 'name');
    db.run('UPDATE users SET name = ? WHERE id = ?', [name, viewer.id]);
  }
  if (changes.time_zone !== undefined) {
    if (!isTimeZone(changes.time_zone)) throw badRequest(`Unknown time zone: ${changes.time_zone}`, 'time_zone');
    db.run('UPDATE users SET time_zone = ? WHERE id = ?', [changes.time_zone, viewer.id]);
  }
  const prefs = changes.notification_prefs ?? {};
  for (const key of Object.keys(PREF_COLUMNS) as Array<keyof NotificationPrefs>) {
    const value = prefs[key];
    if (value !== undefined) {
      db.run(`UPDATE users SET ${PREF_COLUMNS[key]} = ? WHERE id = ?`, [value ? 1 : 0, viewer.id]);
    }
  }
  return getMe(db, viewer.id);
}

/** Everyone in the workspace, by name (assignee pickers, mentions). */
export function listUsers(db: Db): User[] {
  return db
    .all<UserRow>(
      `SELECT u.id, u.name, u.handle, u.email FROM users u
       JOIN workspace_members wm ON wm.user_id = u.id AND wm.workspace_id = ?
       ORDER BY u.name COLLATE NOCASE, u.id`,
      [WORKSPACE_ID],
    )
    .map(toUser);
}

export function listMembers(db: Db): Member[] {
  const rows = db.all<UserRow & { role: Role; joined_at: string }>(
    `SELECT u.id, u.name, u.handle, u.email, wm.role, wm.joined_at FROM users u
     JOIN workspace_members wm ON wm.user_id = u.id AND wm.workspace_id = ?
     ORDER BY CASE wm.role WHEN 'admin' THEN 0 WHEN 'member' THEN 1 ELSE 2 END, u.name COLLATE NOCASE`,
    [WORKSPACE_ID],
  );
  const projectKeys = new Map<number, string[]>();
  for (const row of db.all<{ user_id: number; key: string }>(
    'SELECT pm.user_id, p.key FROM project_members pm JOIN projects p ON p.id = pm.project_id ORDER BY p.key',
  )) {
    projectKeys.set(row.user_id, [...(projectKeys.get(row.user_id) ?? []), row.key]);
  }
  return rows.map((row) => ({
    ...toUser(row),
    role: row.role,
    joined_at: row.joined_at,
    project_keys: projectKeys.get(row.id) ?? [],
  }));
}

function adminCount(db: Db): number {
  return Number(db.value("SELECT COUNT(*) FROM workspace_members WHERE workspace_id = ? AND role = 'admin'", [WORKSPACE_ID]));
}

function memberOrThrow(db: Db, userId: number): Role {
  const role = roleOf(db, userId);
  if (!role) throw notFound('Member');
  return role;
}

export function changeRole(db: Db, viewer: Viewer, userId: number, role: Role): Member {
  if (viewer.role !== 'admin') throw forbidden('Only admins can change roles');
  const current = memberOrThrow(db, userId);
  if (current === 'admin' && role !== 'admin' && adminCount(db) <= 1) {
    throw conflict('The workspace needs at least one admin', 'role');
  }
  if (role === 'guest') {
    const led = db.get<{ key: string }>('SELECT key FROM projects WHERE lead_id = ? ORDER BY key LIMIT 1', [userId]);
    if (led) throw conflict(`A guest cannot lead a project: choose another lead for ${led.key} first`, 'role');
  }
  db.run('UPDATE workspace_members SET role = ? WHERE workspace_id = ? AND user_id = ?', [role, WORKSPACE_ID, userId]);
  if (role === 'guest') {
    // Guests cannot hold issues: hand their open issues back to the team.
    unassignOpenIssues(db, viewer, userId);
  }
  const member = listMembers(db).find((m) => m.id === userId);
  if (!member) throw notFound('Member');
  return member;
}

export function removeMember(db: Db, viewer: Viewer, userId: number): void {
  if (viewer.role !== 'admin') throw forbidden('Only admins can remove members');
  const current = memberOrThrow(db, userId);
  if (current === 'admin' && adminCount(db) <= 1) {
    throw conflict('The last admin cannot be removed');
  }
  unassignOpenIssues(db, viewer, userId);
  db.run('UPDATE projects SET lead_id = NULL WHERE lead_id = ?', [userId]);
  db.run('DELETE FROM project_members WHERE user_id = ?', [userId]);
  db.run('DELETE FROM subscriptions WHERE user_id = ?', [userId]);
  db.run('DELETE FROM sessions WHERE user_id = ?', [userId]);
  db.run('DELETE FROM workspace_members WHERE workspace_id = ? AND user_id = ?', [WORKSPACE_ID, userId]);
}

function unassignOpenIssues(db: Db, viewer: Viewer, userId: number): void {
  const user = getUser(db, userId);
  const issues = db.all<{ id: number }>(
    "SELECT id FROM issues WHERE assignee_id = ? AND status NOT IN ('done', 'canceled')",
    [userId],
  );
  const timestamp = nowIso();
  for (const issue of issues) {
    db.run('UPDATE issues SET assignee_id = NULL, updated_at = ? WHERE id = ?', [timestamp, issue.id]);
    recordActivity(db, issue.id, viewer.id, 'assignee', user?.name ?? null, null);
  }
}

export function getWorkspace(db: Db): Workspace {
  const row = db.get<{ id: number; name: string }>('SELECT id, name FROM workspaces WHERE id = ?', [WORKSPACE_ID]);
  if (!row) throw notFound('Workspace');
  const memberCount = Number(db.value('SELECT COUNT(*) FROM workspace_members WHERE workspace_id = ?', [WORKSPACE_ID]));
  return { id: row.id, name: row.name, member_count: memberCount, admin_count: adminCount(db) };
}

export function renameWorkspace(db: Db, viewer: Viewer, name: string): Workspace {
  if (viewer.role !== 'admin') throw forbidden('Only admins can rename the workspace');
  const clean = normalizeSpaces(name);
  if (!clean) throw badRequest('Name cannot be empty', 'name');
  db.run('UPDATE workspaces SET name = ? WHERE id = ?', [clean, WORKSPACE_ID]);
  return getWorkspace(db);
}
