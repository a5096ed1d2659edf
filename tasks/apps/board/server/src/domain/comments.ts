// Comments: markdown text (rendered escaped by the client), @mentions that notify, edits by the
// author within 15 minutes of posting, deletion by the author or an admin.

import type { Comment } from '../../../shared/api';
import { COMMENT_EDIT_WINDOW_MINUTES } from '../../../shared/api';
import type { Viewer } from '../auth';
import { nowIso, nowMs } from '../clock';
import type { Db } from '../db';
import { badRequest, conflict, forbidden, notFound } from '../errors';
import { issueKey, type IssueRow } from './issueList';
import { findIssueById, visibleIssue } from './issues';
import { canViewProject } from './permissions';
import { findProjectById } from './projects';
import { notify, subscribe, subscriberIds } from './notifications';
import { usersById } from './users';

interface CommentRow {
  id: number;
  issue_id: number;
  author_id: number;
  body: string;
  created_at: string;
  updated_at: string;
  edited_at: string | null;
}

/**
 * The handles @mentioned in a text, lowercased, in order of first appearance. A mention starts
 * after whitespace, an opening bracket or the start of the text (so "ada@board.test" is not one),
 * and code spans are skipped.
 */
export function extractMentions(text: string): string[] {
  const withoutCode = text.replace(/`[^`]*`/g, ' ');
  const handles: string[] = [];
  for (const match of withoutCode.matchAll(/(^|[\s([{])@([a-z0-9][a-z0-9_.-]*)/gi)) {
    const handle = match[2].replace(/[.-]+$/, '').toLowerCase();
    if (!handles.includes(handle)) handles.push(handle);
  }
  return handles;
}

function editWindowOpen(createdAt: string): boolean {
  return nowMs() - Date.parse(createdAt) < COMMENT_EDIT_WINDOW_MINUTES * 60_000;
}

function toComments(db: Db, viewer: Viewer, rows: CommentRow[], key: string): Comment[] {
  const authors = usersById(db, rows.map((row) => row.author_id));
  return rows.flatMap((row): Comment[] => {
    const author = authors.get(row.author_id);
    if (!author) return [];
    const own = row.author_id === viewer.id;
    return [
      {
        id: row.id,
        issue_key: key,
        author,
        body: row.body,
        created_at: row.created_at,
        updated_at: row.updated_at,
        edited: row.edited_at !== null,
        can_edit: own && editWindowOpen(row.created_at),
        can_delete: own || viewer.role === 'admin',
      },
    ];
  });
}

export function listComments(db: Db, viewer: Viewer, key: string): Comment[] {
  const { issue } = visibleIssue(db, viewer, key);
  const rows = db.all<CommentRow>('SELECT * FROM comments WHERE issue_id = ? ORDER BY created_at, id', [issue.id]);
  return toComments(db, viewer, rows, issueKey(issue));
}

function cleanBody(body: string): string {
  const clean = body.trim();
  if (!clean) throw badRequest('A comment cannot be empty', 'body');
  return clean;
}

/** Users with these handles who can see the issue's project. */
function mentionedUsers(db: Db, issue: IssueRow, handles: string[]): number[] {
  if (handles.length === 0) return [];
  const project = findProjectById(db, issue.project_id);
  if (!project) return [];
  const rows = db.all<{ id: number; role: 'admin' | 'member' | 'guest' }>(
    `SELECT u.id, wm.role FROM users u JOIN workspace_members wm ON wm.user_id = u.id
     WHERE u.handle IN (${handles.map(() => '?').join(', ')})`,
    handles,
  );
  return rows.filter((row) => canViewProject(db, row, project)).map((row) => row.id);
}

function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > 140 ? `${flat.slice(0, 139)}…` : flat;
}

export function createComment(db: Db, viewer: Viewer, key: string, body: string): Comment {
  const { issue, project } = visibleIssue(db, viewer, key);
  if (project.archived) throw conflict(`${project.key} is archived`);
  const text = cleanBody(body);
  const timestamp = nowIso();
  const { lastId } = db.run('INSERT INTO comments (issue_id, author_id, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?)', [
    issue.id,
    viewer.id,
    text,
    timestamp,
    timestamp,
  ]);
  db.run('UPDATE issues SET updated_at = ? WHERE id = ?', [timestamp, issue.id]);

  const detail = excerpt(text);
  const mentioned = mentionedUsers(db, issue, extractMentions(text));
  for (const userId of mentioned) {
    notify(db, userId, 'mentioned', issue, viewer.id, { commentId: lastId, detail });
  }
  // Subscribers hear about the comment, except those already told they were mentioned in it.
  for (const userId of subscriberIds(db, issue.id)) {
    if (!mentioned.includes(userId)) {
      notify(db, userId, 'commented', issue, viewer.id, { commentId: lastId, detail });
    }
  }
  subscribe(db, issue.id, viewer.id);
  const row = db.get<CommentRow>('SELECT * FROM comments WHERE id = ?', [lastId])!;
  return toComments(db, viewer, [row], issueKey(issue))[0];
}

function visibleComment(db: Db, viewer: Viewer, id: number): { comment: CommentRow; issue: IssueRow } {
  const comment = db.get<CommentRow>('SELECT * FROM comments WHERE id = ?', [id]);
  const issue = comment && findIssueById(db, comment.issue_id);
  const project = issue && findProjectById(db, issue.project_id);
  if (!comment || !issue || !project || !canViewProject(db, viewer, project)) throw notFound('Comment');
  return { comment, issue };
}

export function updateComment(db: Db, viewer: Viewer, id: number, body: string): Comment {
  const { comment, issue } = visibleComment(db, viewer, id);
  if (comment.author_id !== viewer.id) throw forbidden('You can only edit your own comments');
  if (!editWindowOpen(comment.created_at)) {
    throw conflict(`Comments can only be edited within ${COMMENT_EDIT_WINDOW_MINUTES} minutes of posting`);
  }
  const text = cleanBody(body);
  if (text !== comment.body) {
    const timestamp = nowIso();
    db.run('UPDATE comments SET body = ?, updated_at = ?, edited_at = ? WHERE id = ?', [text, timestamp, timestamp, id]);
    // Only people newly mentioned by the edit are notified.
    const before = new Set(mentionedUsers(db, issue, extractMentions(comment.body)));
    for (const userId of mentionedUsers(db, issue, extractMentions(text))) {
      if (!before.has(userId)) notify(db, userId, 'mentioned', issue, viewer.id, { commentId: id, detail: excerpt(text) });
    }
  }
  const row = db.get<CommentRow>('SELECT * FROM comments WHERE id = ?', [id])!;
  return toComments(db, viewer, [row], issueKey(issue))[0];
}

export function deleteComment(db: Db, viewer: Viewer, id: number): void {
  const { comment } = visibleComment(db, viewer, id);
  if (comment.author_id !== viewer.id && viewer.role !== 'admin') {
    throw forbidden('You can only delete your own comments');
  }
  db.run('DELETE FROM comments WHERE id = ?', [id]);
}
