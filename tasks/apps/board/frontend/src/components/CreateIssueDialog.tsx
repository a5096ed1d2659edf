import { useState } from 'react';
import type { FormEvent } from 'react';
import {
  DESCRIPTION_MAX_LENGTH,
  ESTIMATES,
  PRIORITY_LABELS,
  PRIORITY_ORDER,
  STATUS_LABELS,
  STATUS_ORDER,
  TITLE_MAX_LENGTH,
} from '../../../shared/api';
import type { CreateIssueRequest, Priority, Status } from '../../../shared/api';
import { api, ApiError } from '../api';
import { isClosed } from '../lib/issues';
import { showToast } from '../lib/toasts';
import { useCycles, useLabels, useProjectMembers, useProjects } from '../hooks/useReferenceData';
import { Dialog } from './Dialog';
import { MarkdownEditor } from './MarkdownEditor';

interface Props {
  initialProjectKey: string | null;
  initialStatus: Status | null;
  onClose: () => void;
  /** Called with the new issue's key; the caller closes the dialog and shows the issue. */
  onCreated: (key: string) => void;
}

/** Validates the title as the server does: trimmed, 1 to 200 characters. */
export function validateTitle(title: string): string | null {
  const trimmed = title.trim();
  if (!trimmed) return 'Give the issue a title.';
  if (trimmed.length > TITLE_MAX_LENGTH) return `The title is limited to ${TITLE_MAX_LENGTH} characters.`;
  return null;
}

export function CreateIssueDialog({ initialProjectKey, initialStatus, onClose, onCreated }: Props) {
  const projects = useProjects();
  const labels = useLabels();
  const writable = (projects.data ?? []).filter((project) => project.can_edit_issues && !project.archived);
  const [chosenProject, setChosenProject] = useState<string | null>(initialProjectKey);
  // the preselected project only counts when the user may create issues there
  const projectKey = writable.find((project) => project.key === chosenProject)?.key ?? writable[0]?.key ?? null;
  const members = useProjectMembers(projectKey);
  const cycles = useCycles(projectKey);

  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [status, setStatus] = useState<Status>(initialStatus ?? 'todo');
  const [priority, setPriority] = useState<Priority>('none');
  const [assigneeId, setAssigneeId] = useState('');
  const [labelIds, setLabelIds] = useState<number[]>([]);
  const [estimate, setEstimate] = useState('');
  const [dueDate, setDueDate] = useState('');
  const [cycleId, setCycleId] = useState('');
  const [error, setError] = useState<{ message: string; field: string | null } | null>(null);
  const [busy, setBusy] = useState(false);

  const changeProject = (key: string) => {
    setChosenProject(key);
    // people and cycles belong to a project: choices from the previous one no longer apply
    setAssigneeId('');
    setCycleId('');
  };

  const toggleLabel = (id: number) =>
    setLabelIds((ids) => (ids.includes(id) ? ids.filter((other) => other !== id) : [...ids, id]));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!projectKey) return;
    const titleError = validateTitle(title);
    if (titleError) {
      setError({ message: titleError, field: 'title' });
      return;
    }
    const body: CreateIssueRequest = {
      title: title.trim(),
      description,
      status,
      priority,
      assignee_id: assigneeId ? Number(assigneeId) : null,
      label_ids: labelIds,
      estimate: estimate === '' ? null : Number(estimate),
      due_date: dueDate || null,
      cycle_id: cycleId ? Number(cycleId) : null,
    };
    setBusy(true);
    setError(null);
    try {
      const issue = await api.createIssue(projectKey, body);
      showToast(`Created ${issue.key}`, 'success');
      onCreated(issue.key);
    } catch (err) {
      setBusy(false);
      setError({
        message: err instanceof Error ? err.message : String(err),
        field: err instanceof ApiError ? err.field : null,
      });
    }
  };

  const openCycles = (cycles.data ?? []).filter((cycle) => cycle.status !== 'completed');

  return (
    <Dialog title="New issue" onClose={onClose} testId="create-issue-dialog">
      {projects.data && writable.length === 0 ? (
        <p className="muted" data-testid="create-issue-forbidden">
          You cannot create issues in any project.
        </p>
      ) : (
        <form onSubmit={submit} noValidate data-testid="create-issue-form">
          <label className="field">
            <span className="field-label">Project</span>
            <select
              value={projectKey ?? ''}
              onChange={(event) => changeProject(event.target.value)}
              data-testid="create-issue-project"
            >
              {writable.map((project) => (
                <option key={project.key} value={project.key}>
                  {project.name} ({project.key})
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">Title</span>
            <input
              value={title}
              autoFocus
              maxLength={TITLE_MAX_LENGTH + 50}
              onChange={(event) => setTitle(event.target.value)}
              aria-invalid={error?.field === 'title'}
              data-testid="create-issue-title"
            />
            {error?.field === 'title' && (
              <span className="field-error" data-testid="create-issue-title-error">
                {error.message}
              </span>
            )}
          </label>
          <div className="field">
            <span className="field-label">Description</span>
            <MarkdownEditor
              label="Description"
              value={description}
              onChange={setDescription}
              maxLength={DESCRIPTION_MAX_LENGTH}
              testId="create-issue-description"
            />
          </div>
          <div className="dialog-grid">
            <label className="field">
              <span className="field-label">Status</span>
              <select
                value={status}
                onChange={(event) => setStatus(event.target.value as Status)}
                data-testid="create-issue-status"
              >
                {STATUS_ORDER.filter((s) => !isClosed(s)).map((s) => (
                  <option key={s} value={s}>
                    {STATUS_LABELS[s]}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span className="field-label">Priority</span>
              <select
                value={priority}
                onChange={(event) => setPriority(event.target.value as Priority)}
                data-testid="create-issue-priority"
              >
                {PRIORITY_ORDER.map((p) => (
                  <option key={p} value={p}>
                    {PRIORITY_LABELS[p]}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span className="field-label">Assignee</span>
              <select
                value={assigneeId}
                onChange={(event) => setAssigneeId(event.target.value)}
                data-testid="create-issue-assignee"
              >
                <option value="">Unassigned</option>
                {(members.data ?? [])
                  .filter((member) => member.role !== 'guest')
                  .map((member) => (
                    <option key={member.id} value={member.id}>
                      {member.name}
                    </option>
                  ))}
              </select>
            </label>
            <label className="field">
              <span className="field-label">Estimate</span>
              <select
                value={estimate}
                onChange={(event) => setEstimate(event.target.value)}
                data-testid="create-issue-estimate"
              >
                <option value="">No estimate</option>
                {ESTIMATES.map((points) => (
                  <option key={points} value={points}>
                    {points} {points === 1 ? 'point' : 'points'}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span className="field-label">Due date</span>
              <input
                type="date"
                value={dueDate}
                onChange={(event) => setDueDate(event.target.value)}
                data-testid="create-issue-due"
              />
            </label>
            <label className="field">
              <span className="field-label">Cycle</span>
              <select value={cycleId} onChange={(event) => setCycleId(event.target.value)} data-testid="create-issue-cycle">
                <option value="">No cycle</option>
                {openCycles.map((cycle) => (
                  <option key={cycle.id} value={cycle.id}>
                    {cycle.name}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {(labels.data ?? []).length > 0 && (
            <fieldset className="field">
              <legend className="field-label">Labels</legend>
              <div className="row" style={{ flexWrap: 'wrap' }}>
                {(labels.data ?? []).map((label) => (
                  <label key={label.id} className="row small">
                    <input
                      type="checkbox"
                      checked={labelIds.includes(label.id)}
                      onChange={() => toggleLabel(label.id)}
                      data-testid={`create-issue-label-${label.id}`}
                    />
                    {label.name}
                  </label>
                ))}
              </div>
            </fieldset>
          )}
          {error && error.field !== 'title' && (
            <p className="form-error" role="alert" data-testid="create-issue-error">
              {error.message}
            </p>
          )}
          <div className="form-actions">
            <button type="button" className="button" onClick={onClose} data-testid="create-issue-cancel">
              Cancel
            </button>
            <button type="submit" className="button button-primary" disabled={busy || !projectKey} data-testid="create-issue-submit">
              {busy ? 'Creating…' : 'Create issue'}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
