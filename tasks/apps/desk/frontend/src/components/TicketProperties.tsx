import { useState } from 'preact/hooks';
import { Api } from '../lib/api';
import { useCurrentUser } from '../lib/session';
import { PRIORITIES, PRIORITY_LABELS, STATUS_LABELS } from '../lib/tickets';
import { useNow } from '../lib/time';
import { refreshViews } from '../state/views';
import type { Agent, Priority, Status, TicketChanges, TicketDetail } from '../types';
import { DueLabel, StatusBadge } from './Badges';
import { TagInput } from './TagInput';

interface PropertiesProps {
  ticket: TicketDetail;
  agents: Agent[];
  onChange: (ticket: TicketDetail) => void;
}

const STATUSES: Status[] = ['open', 'pending', 'solved', 'closed'];

/** The agent's side panel: status, priority, assignee and tags, each saved as soon as it changes. */
export function TicketProperties({ ticket, agents, onChange }: PropertiesProps) {
  const user = useCurrentUser();
  const now = useNow();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const disabled = saving || !ticket.permissions.edit;

  const save = async (changes: TicketChanges) => {
    setSaving(true);
    setError(null);
    try {
      onChange(await Api.updateTicket(ticket.id, changes));
      refreshViews().catch(() => undefined);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <aside class="properties" data-testid="properties">
      <label class="field">
        <span class="field-label">Requester</span>
        <span data-testid="prop-requester">
          {ticket.requester.name}
          {ticket.requester.organization && <span class="muted"> · {ticket.requester.organization}</span>}
        </span>
      </label>
      <label class="field">
        <span class="field-label">Status</span>
        <select
          value={ticket.status}
          disabled={disabled}
          onChange={(event) => save({ status: event.currentTarget.value as Status })}
          data-testid="prop-status"
        >
          {STATUSES.map((status) => (
            <option key={status} value={status} disabled={status === 'closed' && ticket.status !== 'solved'}>
              {STATUS_LABELS[status]}
            </option>
          ))}
        </select>
      </label>
      <label class="field">
        <span class="field-label">Priority</span>
        <select
          value={ticket.priority}
          disabled={disabled}
          onChange={(event) => save({ priority: event.currentTarget.value as Priority })}
          data-testid="prop-priority"
        >
          {PRIORITIES.map((priority) => (
            <option key={priority} value={priority}>
              {PRIORITY_LABELS[priority]}
            </option>
          ))}
        </select>
      </label>
      <div class="field">
        <span class="field-label">Due</span>
        <DueLabel ticket={ticket} now={now} testId="prop-due" />
      </div>
      <label class="field">
        <span class="field-label">Assignee</span>
        <select
          value={ticket.assignee ? String(ticket.assignee.id) : ''}
          disabled={disabled}
          onChange={(event) => {
            const value = event.currentTarget.value;
            save({ assignee_id: value ? Number(value) : null });
          }}
          data-testid="prop-assignee"
        >
          <option value="">Unassigned</option>
          {agents.map((agent) => (
            <option key={agent.id} value={String(agent.id)}>
              {agent.name}
            </option>
          ))}
        </select>
      </label>
      {ticket.assignee?.id !== user.id && ticket.permissions.edit && (
        <button type="button" class="link-button" disabled={disabled} onClick={() => save({ assignee_id: user.id })} data-testid="assign-to-me">
          Assign to me
        </button>
      )}
      <div class="field">
        <span class="field-label">Tags</span>
        <TagInput tags={ticket.tags} disabled={disabled} onChange={(tags) => save({ tags })} />
      </div>
      {error && (
        <p class="form-error" role="alert" data-testid="properties-error">
          {error}
        </p>
      )}
      {!ticket.permissions.edit && (
        <p class="muted">
          <StatusBadge status={ticket.status} /> tickets can no longer be edited.
        </p>
      )}
    </aside>
  );
}

/** What a customer sees beside their request. */
export function RequestInfo({ ticket, onChange }: { ticket: TicketDetail; onChange: (ticket: TicketDetail) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const markSolved = async () => {
    setBusy(true);
    setError(null);
    try {
      onChange(await Api.updateTicket(ticket.id, { status: 'solved' }));
      refreshViews().catch(() => undefined);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <aside class="properties" data-testid="request-info">
      <div class="field">
        <span class="field-label">Status</span>
        <StatusBadge status={ticket.status} testId="request-status" />
      </div>
      <div class="field">
        <span class="field-label">Assigned to</span>
        <span data-testid="request-assignee">{ticket.assignee?.name ?? 'Not assigned yet'}</span>
      </div>
      {ticket.permissions.solve && (
        <button type="button" class="button" disabled={busy} onClick={markSolved} data-testid="mark-solved">
          My problem is solved
        </button>
      )}
      {error && (
        <p class="form-error" role="alert" data-testid="request-error">
          {error}
        </p>
      )}
    </aside>
  );
}
