import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link } from 'react-router-dom';
import type { Issue, RelationType } from '../../../shared/api';
import { subIssueProgress } from '../lib/issues';
import { StatusBadge } from './Badges';

const RELATION_LABELS: Record<RelationType, string> = {
  blocks: 'Blocks',
  blocked_by: 'Blocked by',
  relates: 'Related to',
};

const ISSUE_KEY_RE = /^[A-Z]{2,5}-\d+$/;

interface Props {
  issue: Issue;
  onAdd: (type: RelationType, issueKey: string) => Promise<boolean>;
  onRemove: (relationId: number) => void;
}

/** Sub-issues with their progress, and blocks / blocked by / relates links. */
export function IssueRelations({ issue, onAdd, onRemove }: Props) {
  const [type, setType] = useState<RelationType>('blocks');
  const [target, setTarget] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const key = target.trim().toUpperCase();
    if (!ISSUE_KEY_RE.test(key)) {
      setError('Enter an issue key such as WEB-12.');
      return;
    }
    if (key === issue.key) {
      setError('An issue cannot relate to itself.');
      return;
    }
    setError(null);
    if (await onAdd(type, key)) setTarget('');
  };

  return (
    <>
      {issue.sub_issue_count > 0 && (
        <section className="issue-section" data-testid="sub-issues">
          <div className="issue-section-header">
            <h2>Sub-issues</h2>
            <span className="count-chip" data-testid="sub-issue-progress">
              {subIssueProgress(issue)}
            </span>
          </div>
          <ul className="sub-issues">
            {issue.sub_issues.map((sub) => (
              <li key={sub.key} data-testid={`sub-issue-${sub.key}`}>
                <StatusBadge status={sub.status} />
                <Link to={`/issues/${sub.key}`}>
                  <span className="key">{sub.key}</span> {sub.title}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section className="issue-section" data-testid="relations">
        <div className="issue-section-header">
          <h2>Relations</h2>
          {issue.blocked && (
            <span className="small error-text" data-testid="issue-blocked">
              Blocked by an open issue
            </span>
          )}
        </div>
        {issue.relations.length === 0 ? (
          <p className="muted small">No related issues.</p>
        ) : (
          <ul className="relations">
            {issue.relations.map((relation) => (
              <li key={relation.id} data-testid={`relation-${relation.id}`}>
                <span className="small muted" style={{ width: 80 }}>
                  {RELATION_LABELS[relation.type]}
                </span>
                <StatusBadge status={relation.issue.status} />
                <Link to={`/issues/${relation.issue.key}`} data-testid={`relation-link-${relation.id}`}>
                  <span className="key">{relation.issue.key}</span> {relation.issue.title}
                </Link>
                {issue.can_edit && (
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={`Remove relation to ${relation.issue.key}`}
                    onClick={() => onRemove(relation.id)}
                    data-testid={`relation-remove-${relation.id}`}
                  >
                    ×
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        {issue.can_edit && (
          <form className="relation-form" onSubmit={submit} noValidate data-testid="relation-form">
            <label className="field">
              <span className="field-label">Relation</span>
              <select value={type} onChange={(event) => setType(event.target.value as RelationType)} data-testid="relation-type">
                {(Object.keys(RELATION_LABELS) as RelationType[]).map((value) => (
                  <option key={value} value={value}>
                    {RELATION_LABELS[value]}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span className="field-label">Issue key</span>
              <input
                value={target}
                placeholder="WEB-12"
                onChange={(event) => setTarget(event.target.value)}
                data-testid="relation-issue"
              />
            </label>
            <button type="submit" className="button" data-testid="relation-add">
              Add
            </button>
            {error && (
              <span className="field-error" role="alert" data-testid="relation-error">
                {error}
              </span>
            )}
          </form>
        )}
      </section>
    </>
  );
}
