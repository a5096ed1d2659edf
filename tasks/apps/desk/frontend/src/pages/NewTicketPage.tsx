import { useEffect, useRef, useState } from 'preact/hooks';
import { TagInput } from '../components/TagInput';
import { Api, ApiError } from '../lib/api';
import { navigate } from '../lib/router';
import { isStaff, useCurrentUser } from '../lib/session';
import { PRIORITIES, PRIORITY_LABELS } from '../lib/tickets';
import { refreshViews } from '../state/views';
import type { Agent, Customer, NewTicket, Priority } from '../types';

interface FieldError {
  field: string | null;
  message: string;
}

function FieldMessage({ error, field }: { error: FieldError | null; field: string }) {
  if (!error || error.field !== field) return null;
  return (
    <span class="field-error" role="alert" data-testid={`new-ticket-error-${field}`}>
      {error.message}
    </span>
  );
}

export function NewTicketPage() {
  const user = useCurrentUser();
  const staff = isStaff(user);
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [requesterId, setRequesterId] = useState('');
  const [priority, setPriority] = useState<Priority>('normal');
  const [assigneeId, setAssigneeId] = useState('');
  const [tags, setTags] = useState<string[]>([]);
  const [customers, setCustomers] = useState<Customer[]>([]);
  const [agents, setAgents] = useState<Agent[]>([]);
  const [error, setError] = useState<FieldError | null>(null);
  const [busy, setBusy] = useState(false);
  const submitting = useRef(false);

  useEffect(() => {
    if (!staff) return;
    Api.customers().then(({ customers }) => setCustomers(customers), () => undefined);
    Api.agents().then(({ agents }) => setAgents(agents), () => undefined);
  }, [staff]);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (submitting.current) return;
    submitting.current = true;
    setBusy(true);
    setError(null);
    const ticket: NewTicket = { subject, body };
    if (staff) {
      ticket.requester_id = requesterId ? Number(requesterId) : undefined;
      ticket.priority = priority;
      ticket.assignee_id = assigneeId ? Number(assigneeId) : null;
      ticket.tags = tags;
    }
    try {
      const created = await Api.createTicket(ticket);
      refreshViews().catch(() => undefined);
      navigate(`/tickets/${created.id}`);
    } catch (err) {
      setError({ field: err instanceof ApiError ? err.field : null, message: (err as Error).message });
      submitting.current = false;
      setBusy(false);
    }
  };

  const known = ['subject', 'body', 'requester_id', 'tags'];
  return (
    <section class="page narrow">
      <h1>{staff ? 'New ticket' : 'Submit a request'}</h1>
      <form class="card form" onSubmit={submit} data-testid="new-ticket-form">
        {staff && (
          <label class="field">
            <span class="field-label">Requester</span>
            <select value={requesterId} onChange={(event) => setRequesterId(event.currentTarget.value)} data-testid="new-ticket-requester">
              <option value="">Choose a customer…</option>
              {customers.map((customer) => (
                <option key={customer.id} value={String(customer.id)}>
                  {customer.name} ({customer.email})
                </option>
              ))}
            </select>
            <FieldMessage error={error} field="requester_id" />
          </label>
        )}
        <label class="field">
          <span class="field-label">Subject</span>
          <input value={subject} maxLength={150} onInput={(event) => setSubject(event.currentTarget.value)} data-testid="new-ticket-subject" />
          <FieldMessage error={error} field="subject" />
        </label>
        <label class="field">
          <span class="field-label">{staff ? 'Description' : 'How can we help?'}</span>
          <textarea rows={6} value={body} onInput={(event) => setBody(event.currentTarget.value)} data-testid="new-ticket-body" />
          <FieldMessage error={error} field="body" />
        </label>
        {staff && (
          <div class="field-row">
            <label class="field">
              <span class="field-label">Priority</span>
              <select value={priority} onChange={(event) => setPriority(event.currentTarget.value as Priority)} data-testid="new-ticket-priority">
                {PRIORITIES.map((p) => (
                  <option key={p} value={p}>
                    {PRIORITY_LABELS[p]}
                  </option>
                ))}
              </select>
            </label>
            <label class="field">
              <span class="field-label">Assignee</span>
              <select value={assigneeId} onChange={(event) => setAssigneeId(event.currentTarget.value)} data-testid="new-ticket-assignee">
                <option value="">Default</option>
                {agents.map((agent) => (
                  <option key={agent.id} value={String(agent.id)}>
                    {agent.name}
                  </option>
                ))}
              </select>
            </label>
          </div>
        )}
        {staff && (
          <div class="field">
            <span class="field-label">Tags</span>
            <TagInput tags={tags} onChange={setTags} />
            <FieldMessage error={error} field="tags" />
          </div>
        )}
        {error && !known.includes(error.field ?? '') && (
          <p class="form-error" role="alert" data-testid="new-ticket-error">
            {error.message}
          </p>
        )}
        <button type="submit" class="button button-primary" disabled={busy} data-testid="new-ticket-submit">
          {busy ? 'Submitting…' : 'Submit'}
        </button>
      </form>
    </section>
  );
}
