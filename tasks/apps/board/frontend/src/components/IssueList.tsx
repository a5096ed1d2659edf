import type { IssueGroup, IssueSummary } from '../../../shared/api';
import { groupIssues } from '../lib/issues';
import type { IssueListState } from '../hooks/useIssueList';
import { IssueRow } from './IssueRow';

interface Props {
  list: IssueListState;
  group: IssueGroup | null;
  emptyText: string;
}

function Rows({ issues }: { issues: IssueSummary[] }) {
  return (
    <ul className="issue-list">
      {issues.map((issue) => (
        <IssueRow key={issue.key} issue={issue} />
      ))}
    </ul>
  );
}

/** The issues of a list page, grouped when asked, with the count and a "Load more" button. */
export function IssueList({ list, group, emptyText }: Props) {
  if (list.error && list.issues.length === 0) {
    return (
      <p className="error-text" role="alert" data-testid="issue-list-error">
        {list.error.message}
      </p>
    );
  }
  if (list.loading && list.issues.length === 0) {
    return (
      <p className="muted" data-testid="issue-list-loading">
        Loading issues…
      </p>
    );
  }
  if (list.issues.length === 0) {
    return (
      <p className="empty" data-testid="issue-list-empty">
        {emptyText}
      </p>
    );
  }
  return (
    <div data-testid="issue-list" aria-busy={list.loading}>
      <p className="small muted" data-testid="issue-count">
        {list.total === 1 ? '1 issue' : `${list.total} issues`}
        {list.hasMore && ` (showing ${list.issues.length})`}
      </p>
      {group ? (
        groupIssues(list.issues, group).map((bucket) => (
          <section key={bucket.id} className="issue-group" data-testid={`issue-group-${bucket.id}`}>
            <div className="issue-group-header">
              <span>{bucket.title}</span>
              <span className="count-chip" data-testid={`issue-group-count-${bucket.id}`}>
                {bucket.issues.length}
              </span>
            </div>
            <Rows issues={bucket.issues} />
          </section>
        ))
      ) : (
        <Rows issues={list.issues} />
      )}
      {list.hasMore && (
        <div className="load-more">
          <button type="button" className="button" onClick={list.loadMore} disabled={list.loadingMore} data-testid="load-more">
            {list.loadingMore ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </div>
  );
}
