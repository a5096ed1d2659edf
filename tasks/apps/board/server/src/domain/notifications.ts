// Notifications and issue subscriptions.
//
// Who hears about what: the new assignee ("assigned"), users @mentioned in a comment
// ("mentioned"), the creator when someone else changes the status ("status_changed"), and the
// subscribers of an issue (its creator, assignee and commenters) when someone comments
// ("commented"). Nobody is notified of their own actions, users who turned a kind off in their
// preferences are skipped, and users who cannot see the project are never told about it.

import type { ListPage, Notification, NotificationType, Status } from '../../../shared/api';
import type { Viewer } from '../auth';
import { nowIso } from '../clock';
import type { Db } from '../db';
import { notFound } from '../errors';
import { ISSUE_SELECT, decodeCursor, encodeCursor, issueKey, type IssueRow } from './issueList';
import { canViewProject } from './permissions';
import { findProjectById } from './projects';
import { roleOf, usersById } from './users';

const PREF_COLUMN: Record<NotificationType, string> = {
  assigned: 'notify_assigned',
  mentioned: 'notify_mentioned',
  status_changed: 'notify_status_changed',
  commented: 'notify_commented',
};

export function subscribe(db: Db, issueId: number, userId: number): void {
  db.run('INSERT OR IGNORE INTO subscriptions (issue_id, user_id) VALUES (?, ?)', [issueId, userId]);
}

export function unsubscribe(db: Db, issueId: number, userId: number): void {
  db.run('DELETE FROM subscriptions WHERE issue_id = ? AND user_id = ?', [issueId, userId]);
}

export function isSubscribed(db: Db, issueId: number, userId: number): boolean {
  return db.get('SELECT 1 AS one FROM subscriptions WHERE issue_id = ? AND user_id = ?', [issueId, userId]) !== undefined;
}

export function subscriberIds(db: Db, issueId: number): number[] {
  return db.all<{ user_id: number }>('SELECT user_id FROM subscriptions WHERE issue_id = ? ORDER BY user_id', [issueId]).map(
    (row) => row.user_id,
  );
}

function wantsNotification(db: Db, userId: number, type: NotificationType): boolean {
  return db.value<number>(`SELECT ${PREF_COLUMN[type]} FROM users WHERE id = ?`, [userId]) === 1;
}

function canSeeIssue(db: Db, userId: number, issue: IssueRow): boolean {
  const role = roleOf(db, userId);
  const project = findProjectById(db, issue.project_id);
  if (!role || !project) return false;
  return canViewProject(db, { id: userId, role }, project);
}

/** Sends one notification, unless the rules above say not to. Returns whether it was sent. */
export function notify(
  db: Db,
  recipientId: number,
  type: NotificationType,
  issue: IssueRow,
  actorId: number,
  extra: { commentId?: number; detail?: string | null } = {},
): boolean {
  if (recipientId === actorId) return false;
  if (!wantsNotification(db, recipientId, type)) return false;
  if (!canSeeIssue(db, recipientId, issue)) return false;
  db.run(
    `INSERT INTO notifications (user_id, type, issue_id, actor_id, comment_id, detail, read_at, created_at)
     VALUES (?, ?, ?, ?, ?, ?, NULL, ?)`,
    [recipientId, type, issue.id, actorId, extra.commentId ?? null, extra.detail ?? null, nowIso()],
  );
  return true;
}

export function notifyStatusChange(db: Db, issue: IssueRow, actorId: number, to: Status): void {
  notify(db, issue.created_by, 'status_changed', issue, actorId, { detail: to });
}

interface NotificationRow {
  id: number;
  type: NotificationType;
  issue_id: number;
  actor_id: number;
  comment_id: number | null;
  detail: string | null;
  read_at: string | null;
  created_at: string;
}

export function listNotifications(
  db: Db,
  viewer: Viewer,
  options: { unreadOnly: boolean; cursor?: string; limit: number },
): ListPage<Notification> {
  const where = options.unreadOnly ? 'user_id = ? AND read_at IS NULL' : 'user_id = ?';
  const total = Number(db.value(`SELECT COUNT(*) FROM notifications WHERE ${where}`, [viewer.id]));
  const offset = options.cursor ? decodeCursor(options.cursor) : 0;
  const rows = db.all<NotificationRow>(
    `SELECT * FROM notifications WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
    [viewer.id, options.limit, offset],
  );
  const issueIds = [...new Set(rows.map((row) => row.issue_id))];
  const issues = new Map<number, IssueRow>();
  if (issueIds.length > 0) {
    for (const issue of db.all<IssueRow>(`${ISSUE_SELECT} WHERE i.id IN (${issueIds.map(() => '?').join(', ')})`, issueIds)) {
      issues.set(issue.id, issue);
    }
  }
  const actors = usersById(db, rows.map((row) => row.actor_id));
  const items = rows.flatMap((row): Notification[] => {
    const issue = issues.get(row.issue_id);
    const actor = actors.get(row.actor_id);
    if (!issue || !actor) return [];
    return [
      {
        id: row.id,
        type: row.type,
        issue: { key: issueKey(issue), title: issue.title, status: issue.status, project_key: issue.project_key },
        actor,
        comment_id: row.comment_id,
        detail: row.detail,
        read: row.read_at !== null,
        created_at: row.created_at,
      },
    ];
  });
  const nextOffset = offset + rows.length;
  return { items, next_cursor: nextOffset < total && rows.length > 0 ? encodeCursor(nextOffset) : null, total };
}

export function unreadCount(db: Db, viewer: Viewer): number {
  return Number(db.value('SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL', [viewer.id]));
}

export function markRead(db: Db, viewer: Viewer, id: number): void {
  const row = db.get<{ read_at: string | null }>('SELECT read_at FROM notifications WHERE id = ? AND user_id = ?', [id, viewer.id]);
  if (!row) throw notFound('Notification');
  if (row.read_at === null) {
    db.run('UPDATE notifications SET read_at = ? WHERE id = ?', [nowIso(), id]);
  }
}

export function markAllRead(db: Db, viewer: Viewer): number {
  return db.run('UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL', [nowIso(), viewer.id]).changes;
}
