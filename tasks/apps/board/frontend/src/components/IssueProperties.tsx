import { ESTIMATES, PRIORITY_LABELS, PRIORITY_ORDER, STATUS_LABELS, STATUS_ORDER } from '../../../shared/api';
import type { Cycle, Issue, Label, Priority, ProjectMember, Status, UpdateIssueRequest } from '../../../shared/api';
import { describeDue, formatInstant } from '../lib/dates';
import { canTransition } from '../lib/issues';
import { LABEL_HEX } from './Badges';

interface Props {
  issue: Issue;
  members: ProjectMember[];
  labels: Label[];
  cycles: Cycle[];
  timeZone: string;
  onChange: (changes: UpdateIssueRequest) => void;
}

/** The issue's editable fields; each change is saved at once (read-only without edit rights). */
export function IssueProperties({ issue, members, labels, cycles, timeZone, onChange }: Props) {
  const disabled = !issue.can_edit;
  const labelIds = issue.labels.map((label) => label.id);
  const toggleLabel = (id: number) =>
    onChange({ label_ids: labelIds.includes(id) ? labelIds.filter((other) => other !== id) : [...labelIds, id] });
  // a completed cycle can stay selected but cannot be chosen
  const cycleChoices = cycles.filter((cycle) => cycle.status !== 'completed' || cycle.id === issue.cycle_id);
  const assignable = members.filter((member) => member.role !== 'guest' || member.id === issue.assignee?.id);

  return (
    <aside className="properties" aria-label="Properties" data-testid="issue-properties">
      <label className="field">
        <span className="field-label">Status</span>
        <select
          value={issue.status}
          disabled={disabled}
          onChange={(event) => onChange({ status: event.target.value as Status })}
          data-testid="issue-status"
        >
          {STATUS_ORDER.map((status) => (
            <option key={status} value={status} disabled={!canTransition(issue.status, status)}>
              {STATUS_LABELS[status]}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field-label">Priority</span>
        <select
          value={issue.priority}
          disabled={disabled}
          onChange={(event) => onChange({ priority: event.target.value as Priority })}
          data-testid="issue-priority"
        >
          {PRIORITY_ORDER.map((priority) => (
            <option key={priority} value={priority}>
              {PRIORITY_LABELS[priority]}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field-label">Assignee</span>
        <select
          value={issue.assignee ? String(issue.assignee.id) : ''}
          disabled={disabled}
          onChange={(event) => onChange({ assignee_id: event.target.value ? Number(event.target.value) : null })}
          data-testid="issue-assignee"
        >
          <option value="">Unassigned</option>
          {issue.assignee && !assignable.some((member) => member.id === issue.assignee?.id) && (
            <option value={issue.assignee.id}>{issue.assignee.name}</option>
          )}
          {assignable.map((member) => (
            <option key={member.id} value={member.id}>
              {member.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field-label">Estimate</span>
        <select
          value={issue.estimate === null ? '' : String(issue.estimate)}
          disabled={disabled}
          onChange={(event) => onChange({ estimate: event.target.value === '' ? null : Number(event.target.value) })}
          data-testid="issue-estimate"
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
          value={issue.due_date ?? ''}
          disabled={disabled}
          onChange={(event) => onChange({ due_date: event.target.value || null })}
          data-testid="issue-due-date"
        />
        {issue.due_date && (
          <span className={issue.overdue ? 'small error-text' : 'small muted'} data-testid="issue-due-description">
            {describeDue(issue.due_date, new Date(), timeZone)}
          </span>
        )}
      </label>
      <label className="field">
        <span className="field-label">Cycle</span>
        <select
          value={issue.cycle_id === null ? '' : String(issue.cycle_id)}
          disabled={disabled}
          onChange={(event) => onChange({ cycle_id: event.target.value ? Number(event.target.value) : null })}
          data-testid="issue-cycle"
        >
          <option value="">No cycle</option>
          {issue.cycle && !cycleChoices.some((cycle) => cycle.id === issue.cycle?.id) && (
            <option value={issue.cycle.id}>{issue.cycle.name}</option>
          )}
          {cycleChoices.map((cycle) => (
            <option key={cycle.id} value={cycle.id} disabled={cycle.status === 'completed'}>
              {cycle.name} ({cycle.status})
            </option>
          ))}
        </select>
      </label>
      <fieldset className="field">
        <legend className="field-label">Labels</legend>
        <div className="label-picker" data-testid="issue-labels">
          {labels.map((label) => (
            <label key={label.id}>
              <input
                type="checkbox"
                checked={labelIds.includes(label.id)}
                disabled={disabled}
                onChange={() => toggleLabel(label.id)}
                data-testid={`issue-label-${label.id}`}
              />
              <span className="label-swatch" style={{ background: LABEL_HEX[label.color] }} aria-hidden="true" />
              {label.name}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="property-static">
        <span>Created by</span>
        <span data-testid="issue-created-by">{issue.created_by.name}</span>
      </div>
      <div className="property-static">
        <span>Created</span>
        <span data-testid="issue-created-at">{formatInstant(issue.created_at, timeZone)}</span>
      </div>
      <div className="property-static">
        <span>Updated</span>
        <span data-testid="issue-updated-at">{formatInstant(issue.updated_at, timeZone)}</span>
      </div>
      {issue.completed_at && (
        <div className="property-static">
          <span>Completed</span>
          <span data-testid="issue-completed-at">{formatInstant(issue.completed_at, timeZone)}</span>
        </div>
      )}
    </aside>
  );
}
