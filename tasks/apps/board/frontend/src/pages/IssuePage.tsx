import { useEffect, useMemo, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH } from '../../../shared/api';
import type { Issue, RelationType, UpdateIssueRequest } from '../../../shared/api';
import { api } from '../api';
import { validateTitle } from '../components/CreateIssueDialog';
import { CommentComposer } from '../components/CommentComposer';
import { IssueProperties } from '../components/IssueProperties';
import { IssueRelations } from '../components/IssueRelations';
import { Markdown } from '../components/Markdown';
import { MarkdownEditor } from '../components/MarkdownEditor';
import { PageState } from '../components/PageState';
import { mergeTimeline, Timeline } from '../components/Timeline';
import { useQuery } from '../hooks/useQuery';
import { useCycles, useLabels, useProjectMembers } from '../hooks/useReferenceData';
import { useMe } from '../lib/session';
import { showToast, toastError } from '../lib/toasts';

function IssueTitle({ issue, onSave }: { issue: Issue; onSave: (title: string) => Promise<boolean> }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(issue.title);
  const [error, setError] = useState<string | null>(null);

  const start = () => {
    if (!issue.can_edit) return;
    setDraft(issue.title);
    setError(null);
    setEditing(true);
  };

  const commit = async () => {
    const problem = validateTitle(draft);
    if (problem) {
      setError(problem);
      return;
    }
    if (draft.trim() === issue.title) {
      setEditing(false);
      return;
    }
    if (await onSave(draft.trim())) setEditing(false);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      void commit();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      setEditing(false);
    }
  };

  if (!editing) {
    return (
      <h1>
        <button
          type="button"
          className="issue-title-view"
          onClick={start}
          disabled={!issue.can_edit}
          title={issue.can_edit ? 'Click to edit the title' : undefined}
          data-testid="issue-title"
        >
          {issue.title}
        </button>
      </h1>
    );
  }
  return (
    <div>
      <label htmlFor="issue-title-input" className="visually-hidden">
        Title
      </label>
      <input
        id="issue-title-input"
        className="issue-title-input"
        value={draft}
        autoFocus
        maxLength={TITLE_MAX_LENGTH + 50}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={onKeyDown}
        onBlur={() => void commit()}
        aria-invalid={error !== null}
        data-testid="issue-title-input"
      />
      {error && (
        <p className="field-error" role="alert" data-testid="issue-title-error">
          {error}
        </p>
      )}
    </div>
  );
}

function IssueDescription({ issue, onSave }: { issue: Issue; onSave: (description: string) => Promise<boolean> }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(issue.description);
  const [saving, setSaving] = useState(false);

  const save = async () => {
    setSaving(true);
    const ok = await onSave(draft);
    setSaving(false);
    if (ok) setEditing(false);
  };

  return (
    <section className="issue-section">
      <div className="issue-section-header">
        <h2>Description</h2>
        {issue.can_edit && !editing && (
          <button
            type="button"
            className="button button-small"
            onClick={() => {
              setDraft(issue.description);
              setEditing(true);
            }}
            data-testid="description-edit"
          >
            Edit
          </button>
        )}
      </div>
      {editing ? (
        <div>
          <MarkdownEditor
            label="Description"
            value={draft}
            onChange={setDraft}
            maxLength={DESCRIPTION_MAX_LENGTH}
            autoFocus
            onSubmitShortcut={save}
            testId="description"
          />
          <div className="form-actions">
            <button type="button" className="button" onClick={() => setEditing(false)} data-testid="description-cancel">
              Cancel
            </button>
            <button type="button" className="button button-primary" onClick={save} disabled={saving} data-testid="description-save">
              {saving ? 'Saving…' : 'Save'}
            </button>
          </div>
        </div>
      ) : (
        <div className="description">
          <Markdown source={issue.description} testId="issue-description" empty="No description." />
        </div>
      )}
    </section>
  );
}

export function IssuePage() {
  const { key = '' } = useParams();
  const me = useMe();
  const navigate = useNavigate();
  const issue = useQuery(`issue:${key}`, () => api.issue(key));
  const comments = useQuery(`comments:${key}`, () => api.comments(key));
  const activity = useQuery(`activity:${key}`, () => api.activity(key));
  const projectKey = issue.data?.project_key ?? null;
  const members = useProjectMembers(projectKey);
  const cycles = useCycles(projectKey);
  const labels = useLabels();

  useEffect(() => {
    if (issue.data) document.title = `${issue.data.key} ${issue.data.title} · Board`;
    return () => {
      document.title = 'Board';
    };
  }, [issue.data]);

  const timeline = useMemo(
    () => mergeTimeline(comments.data ?? [], activity.data ?? []),
    [comments.data, activity.data],
  );

  const update = async (changes: UpdateIssueRequest): Promise<boolean> => {
    try {
      const updated = await api.updateIssue(key, changes);
      issue.setData(() => updated);
      activity.reload();
      return true;
    } catch (err) {
      toastError(err);
      // the page may be out of date (someone else changed the issue): show the server's version
      issue.reload();
      return false;
    }
  };

  const addComment = async (body: string): Promise<boolean> => {
    try {
      const comment = await api.addComment(key, { body });
      comments.setData((list) => [...list, comment]);
      issue.setData((current) => ({ ...current, comment_count: current.comment_count + 1, subscribed: true }));
      return true;
    } catch (err) {
      toastError(err);
      return false;
    }
  };

  const saveComment = async (id: number, body: string): Promise<boolean> => {
    try {
      const saved = await api.updateComment(id, { body });
      comments.setData((list) => list.map((comment) => (comment.id === id ? saved : comment)));
      return true;
    } catch (err) {
      toastError(err);
      return false;
    }
  };

  const deleteComment = async (id: number) => {
    try {
      await api.deleteComment(id);
      comments.setData((list) => list.filter((comment) => comment.id !== id));
      issue.setData((current) => ({ ...current, comment_count: Math.max(0, current.comment_count - 1) }));
    } catch (err) {
      toastError(err);
    }
  };

  const addRelation = async (type: RelationType, issueKey: string): Promise<boolean> => {
    try {
      const updated = await api.addRelation(key, { type, issue_key: issueKey });
      issue.setData(() => updated);
      activity.reload();
      return true;
    } catch (err) {
      toastError(err);
      return false;
    }
  };

  const removeRelation = async (relationId: number) => {
    try {
      const updated = await api.removeRelation(key, relationId);
      issue.setData(() => updated);
      activity.reload();
    } catch (err) {
      toastError(err);
    }
  };

  const deleteIssue = async () => {
    if (!issue.data || !window.confirm(`Delete ${issue.data.key}? This cannot be undone.`)) return;
    try {
      await api.deleteIssue(key);
      showToast(`Deleted ${key}`, 'success');
      navigate(`/projects/${issue.data.project_key}`);
    } catch (err) {
      toastError(err);
    }
  };

  if (!issue.data) return <PageState error={issue.error} loading={issue.loading} />;
  const current = issue.data;

  return (
    <div className="issue-page" data-testid="issue-page">
      <div>
        <div className="issue-breadcrumb">
          <Link to={`/projects/${current.project_key}`} data-testid="issue-project-link">
            {current.project_key}
          </Link>
          {current.parent && (
            <>
              <span>›</span>
              <Link to={`/issues/${current.parent.key}`} data-testid="issue-parent-link">
                {current.parent.key} {current.parent.title}
              </Link>
            </>
          )}
          <span>›</span>
          <span className="key" data-testid="issue-key">
            {current.key}
          </span>
          <span className="spacer" />
          {current.can_delete && (
            <button type="button" className="button button-small button-danger" onClick={deleteIssue} data-testid="issue-delete">
              Delete
            </button>
          )}
        </div>
        <IssueTitle key={`title-${current.key}`} issue={current} onSave={(title) => update({ title })} />
        <IssueDescription key={`description-${current.key}`} issue={current} onSave={(description) => update({ description })} />
        <IssueRelations issue={current} onAdd={addRelation} onRemove={removeRelation} />
        <section className="issue-section" data-testid="activity">
          <div className="issue-section-header">
            <h2>Activity</h2>
            <span className="count-chip" data-testid="comment-count">
              {current.comment_count === 1 ? '1 comment' : `${current.comment_count} comments`}
            </span>
          </div>
          {(comments.error || activity.error) && (
            <p className="error-text" role="alert">
              {(comments.error ?? activity.error)?.message}
            </p>
          )}
          <Timeline items={timeline} timeZone={me.time_zone} onSaveComment={saveComment} onDeleteComment={deleteComment} />
          <CommentComposer key={current.key} issueKey={current.key} onSubmit={addComment} />
        </section>
      </div>
      <IssueProperties
        issue={current}
        members={members.data ?? []}
        labels={labels.data ?? []}
        cycles={cycles.data ?? []}
        timeZone={me.time_zone}
        onChange={(changes) => void update(changes)}
      />
    </div>
  );
}
