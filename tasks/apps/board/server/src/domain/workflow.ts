// The status workflow: which moves are allowed, and what blocks an issue from starting.

import type { Status } from '../../../shared/api';
import { STATUS_LABELS, STATUS_TRANSITIONS } from '../../../shared/api';
import type { Db } from '../db';
import { conflict } from '../errors';
import { ISSUE_SELECT, issueKey, type IssueRow } from './issueList';

export function canTransition(from: Status, to: Status): boolean {
  return from === to || STATUS_TRANSITIONS[from].includes(to);
}

/** The open issues that block `issueId` (oldest relation first). */
export function openBlockers(db: Db, issueId: number): IssueRow[] {
  return db.all<IssueRow>(
    `${ISSUE_SELECT} JOIN issue_relations r ON r.from_issue_id = i.id
     WHERE r.kind = 'blocks' AND r.to_issue_id = ? AND i.status NOT IN ('done', 'canceled')
     ORDER BY r.id`,
    [issueId],
  );
}

/**
 * Throws a 409 when `issue` may not move to `to`: the move is not in the workflow, or the issue
 * would start (in_progress) while an issue blocking it is still open.
 */
export function assertCanMove(db: Db, issue: IssueRow, to: Status): void {
  if (issue.status === to) return;
  if (!canTransition(issue.status, to)) {
    throw conflict(`${issueKey(issue)} cannot move from ${STATUS_LABELS[issue.status]} to ${STATUS_LABELS[to]}`, 'status');
  }
  if (to === 'in_progress') {
    const blockers = openBlockers(db, issue.id);
    if (blockers.length > 0) {
      throw conflict(`${issueKey(issue)} is blocked by ${blockers.map(issueKey).join(', ')}`, 'status');
    }
  }
}

/** completed_at follows the status: set when an issue becomes done, cleared when it leaves done. */
export function completedAtAfter(issue: Pick<IssueRow, 'status' | 'completed_at'>, to: Status, now: string): string | null {
  if (to === 'done') return issue.status === 'done' ? issue.completed_at : now;
  return null;
}
