import { useEffect, useRef, useState } from 'preact/hooks';
import { Api } from '../lib/api';
import { isStaff, useCurrentUser } from '../lib/session';
import { STATUS_LABELS } from '../lib/tickets';
import type { Status, TicketDetail } from '../types';

const SUBMIT_AS: Status[] = ['open', 'pending', 'solved'];

interface ComposerProps {
  ticket: TicketDetail;
  onPosted: (ticket: TicketDetail) => void;
}

/** The reply box under the conversation: public replies, and internal notes for agents. */
export function Composer({ ticket, onPosted }: ComposerProps) {
  const staff = isStaff(useCurrentUser());
  const [body, setBody] = useState('');
  const [internal, setInternal] = useState(false);
  const [submitAs, setSubmitAs] = useState<Status>(ticket.status);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const sending = useRef(false);

  useEffect(() => setSubmitAs(ticket.status), [ticket.status]);

  const submit = async () => {
    const text = body.trim();
    if (!text || sending.current) return;
    sending.current = true;
    setBusy(true);
    setError(null);
    try {
      const comment = staff ? { body: text, internal, status: submitAs } : { body: text, internal: false };
      const { ticket: updated } = await Api.addComment(ticket.id, comment);
      setBody('');
      onPosted(updated);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      sending.current = false;
      setBusy(false);
    }
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit();
    }
  };

  return (
    <form
      class={internal ? 'composer composer-internal' : 'composer'}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
      data-testid="composer"
    >
      {ticket.permissions.internal_note && (
        <div class="composer-tabs" role="tablist">
          <button
            type="button"
            role="tab"
            aria-selected={!internal}
            class={internal ? 'tab' : 'tab active'}
            onClick={() => setInternal(false)}
            data-testid="composer-tab-public"
          >
            Public reply
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={internal}
            class={internal ? 'tab active' : 'tab'}
            onClick={() => setInternal(true)}
            data-testid="composer-tab-internal"
          >
            Internal note
          </button>
        </div>
      )}
      <textarea
        rows={4}
        placeholder={internal ? 'Add a note only agents can see' : staff ? `Reply to ${ticket.requester.name}` : 'Write a reply'}
        value={body}
        onInput={(event) => setBody(event.currentTarget.value)}
        onKeyDown={onKeyDown}
        data-testid="composer-input"
      />
      {error && (
        <p class="form-error" role="alert" data-testid="composer-error">
          {error}
        </p>
      )}
      <div class="composer-actions">
        {staff && (
          <label class="submit-as">
            <span>Submit as</span>
            <select
              value={submitAs}
              onChange={(event) => setSubmitAs(event.currentTarget.value as Status)}
              data-testid="composer-status"
            >
              {SUBMIT_AS.map((status) => (
                <option key={status} value={status}>
                  {STATUS_LABELS[status]}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="submit" class="button button-primary" disabled={busy || !body.trim()} data-testid="composer-submit">
          {busy ? 'Sending…' : internal ? 'Add note' : 'Send reply'}
        </button>
      </div>
    </form>
  );
}
