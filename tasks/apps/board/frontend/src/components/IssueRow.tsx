import { Link } from 'react-router-dom';
import type { IssueSummary } from '../../../shared/api';
import { subIssueProgress } from '../lib/issues';
import { Avatar, CommentCount, DueDate, LabelChip, PriorityBadge, StatusBadge } from './Badges';

export function IssueRow({ issue }: { issue: IssueSummary }) {
  const id = issue.key;
  return (
    <li className="issue-row" data-testid={`issue-row-${id}`} data-status={issue.status}>
      <PriorityBadge priority={issue.priority} compact testId={`issue-row-priority-${id}`} />
      <span className="key">{issue.key}</span>
      <StatusBadge status={issue.status} testId={`issue-row-status-${id}`} />
      <Link to={`/issues/${issue.key}`} className="issue-row-title" data-testid={`issue-link-${id}`}>
        {issue.title}
      </Link>
      <span className="issue-row-meta">
        {issue.blocked && (
          <span className="small error-text" data-testid={`issue-row-blocked-${id}`}>
            Blocked
          </span>
        )}
        {issue.sub_issue_count > 0 && (
          <span className="count-chip" data-testid={`issue-row-subissues-${id}`}>
            {subIssueProgress(issue)}
          </span>
        )}
        {issue.labels.map((label) => (
          <LabelChip key={label.id} label={label} />
        ))}
        {issue.estimate !== null && (
          <span className="count-chip" title="Estimate" data-testid={`issue-row-estimate-${id}`}>
            {issue.estimate} pt
          </span>
        )}
        {issue.due_date && <DueDate date={issue.due_date} overdue={issue.overdue} testId={`issue-row-due-${id}`} />}
        {issue.comment_count > 0 && <CommentCount count={issue.comment_count} testId={`issue-row-comments-${id}`} />}
        <Avatar user={issue.assignee} testId={`issue-row-assignee-${id}`} />
      </span>
    </li>
  );
}
