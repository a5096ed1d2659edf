import { useEffect, useState } from 'preact/hooks';
import { DueLabel, PriorityBadge, StatusBadge, Tags } from '../components/Badges';
import { Api } from '../lib/api';
import { Link, navigate, useRoute, withQuery } from '../lib/router';
import { isStaff, useCurrentUser } from '../lib/session';
import { useStore } from '../lib/store';
import { SORT_LABELS, type SortKey, isSortKey, sortTickets } from '../lib/tickets';
import { timeAgo, useNow } from '../lib/time';
import { showToast } from '../state/toasts';
import { refreshViews, viewsStore } from '../state/views';
import type { Status, Ticket } from '../types';

interface ListState {
  tickets: Ticket[];
  title: string;
  loading: boolean;
  error: string | null;
}

export function TicketListPage({ params }: { params: Record<string, string> }) {
  const user = useCurrentUser();
  const staff = isStaff(user);
  const { path, query } = useRoute();
  const viewId = params.viewId ?? (staff ? 'mine' : 'requests');
  const tag = query.tag || undefined;
  const sort: SortKey = isSortKey(query.sort) ? query.sort : 'due';
  const viewName = useStore(viewsStore, (state) => state.views.find((view) => view.id === viewId)?.name);
  const now = useNow();

  const [state, setState] = useState<ListState>({ tickets: [], title: '', loading: true, error: null });
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [busy, setBusy] = useState(false);
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true, error: null }));
    Api.tickets(viewId, tag)
      .then(({ view, tickets }) => {
        if (current) setState({ tickets, title: view.name, loading: false, error: null });
      })
      .catch((err: Error) => {
        if (current) setState({ tickets: [], title: '', loading: false, error: err.message });
      });
    return () => {
      current = false;
    };
  }, [viewId, tag, reloads]);

  useEffect(() => setSelected(new Set()), [viewId, tag]);

  const setQuery = (changes: Record<string, string | undefined>) =>
    navigate(withQuery(path, { tag, sort: sort === 'due' ? undefined : sort, ...changes }), { replace: true });

  const toggle = (id: number) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
  const allSelected = state.tickets.length > 0 && state.tickets.every((ticket) => selected.has(ticket.id));
  const toggleAll = () => setSelected(allSelected ? new Set() : new Set(state.tickets.map((ticket) => ticket.id)));

  const bulk = async (changes: { status?: Status; assignee_id?: number }) => {
    if (busy || selected.size === 0) return;
    setBusy(true);
    try {
      const { updated, skipped } = await Api.bulkUpdate([...selected], changes);
      const noun = updated.length === 1 ? 'ticket' : 'tickets';
      showToast(`${updated.length} ${noun} updated${skipped.length ? `, ${skipped.length} closed skipped` : ''}`);
      setSelected(new Set());
      setReloads((n) => n + 1);
      await refreshViews();
    } catch (err) {
      showToast((err as Error).message, 'error');
    } finally {
      setBusy(false);
    }
  };

  const tickets = sortTickets(state.tickets, sort);
  return (
    <section class="page" data-testid="ticket-list-page">
      <header class="page-header">
        <h1 data-testid="view-title">{state.title || viewName || 'Tickets'}</h1>
        <span class="muted" data-testid="ticket-count">
          {state.loading ? '' : `${tickets.length} ${tickets.length === 1 ? 'ticket' : 'tickets'}`}
        </span>
        <label class="sort">
          <span>Sort</span>
          <select
            value={sort}
            onChange={(event) => setQuery({ sort: event.currentTarget.value === 'due' ? undefined : event.currentTarget.value })}
            data-testid="sort-select"
          >
            {Object.entries(SORT_LABELS).map(([key, label]) => (
              <option key={key} value={key}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </header>

      {tag && (
        <p class="filter-bar">
          Tagged <span class="tag" data-testid="tag-filter">{tag}</span>
          <button type="button" class="link-button" onClick={() => setQuery({ tag: undefined })} data-testid="clear-tag-filter">
            Clear
          </button>
        </p>
      )}

      {staff && selected.size > 0 && (
        <div class="bulk-bar" data-testid="bulk-bar">
          <span data-testid="bulk-count">{selected.size} selected</span>
          <button type="button" class="button" disabled={busy} onClick={() => bulk({ assignee_id: user.id })} data-testid="bulk-assign-me">
            Assign to me
          </button>
          <button type="button" class="button" disabled={busy} onClick={() => bulk({ status: 'solved' })} data-testid="bulk-solve">
            Mark solved
          </button>
        </div>
      )}

      {state.error && (
        <p class="form-error" role="alert" data-testid="tickets-error">
          {state.error}
        </p>
      )}
      {!state.loading && !state.error && tickets.length === 0 && (
        <p class="empty" data-testid="tickets-empty">
          No tickets here. Nice work!
        </p>
      )}
      {tickets.length > 0 && (
        <table class="ticket-table" data-testid="ticket-table">
          <thead>
            <tr>
              {staff && (
                <th class="check">
                  <input type="checkbox" checked={allSelected} onChange={toggleAll} aria-label="Select all" data-testid="select-all" />
                </th>
              )}
              <th>Subject</th>
              {staff && <th>Requester</th>}
              <th>Status</th>
              <th>Priority</th>
              {staff && <th>Assignee</th>}
              {staff && <th>Due</th>}
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {tickets.map((ticket) => (
              <tr key={ticket.id} class={selected.has(ticket.id) ? 'selected' : ''} data-testid={`ticket-row-${ticket.id}`}>
                {staff && (
                  <td class="check">
                    <input
                      type="checkbox"
                      checked={selected.has(ticket.id)}
                      onChange={() => toggle(ticket.id)}
                      aria-label={`Select ticket ${ticket.id}`}
                      data-testid={`select-${ticket.id}`}
                    />
                  </td>
                )}
                <td class="subject">
                  <Link href={`/tickets/${ticket.id}`} data-testid={`ticket-link-${ticket.id}`}>
                    <span class="ticket-id">#{ticket.id}</span> {ticket.subject}
                  </Link>
                  <Tags tags={ticket.tags} onPick={(picked) => setQuery({ tag: picked })} testId={`ticket-tags-${ticket.id}`} />
                </td>
                {staff && <td>{ticket.requester.name}</td>}
                <td>
                  <StatusBadge status={ticket.status} testId={`ticket-status-${ticket.id}`} />
                </td>
                <td>
                  <PriorityBadge priority={ticket.priority} testId={`ticket-priority-${ticket.id}`} />
                </td>
                {staff && <td data-testid={`ticket-assignee-${ticket.id}`}>{ticket.assignee?.name ?? '—'}</td>}
                {staff && (
                  <td>
                    <DueLabel ticket={ticket} now={now} testId={`ticket-due-${ticket.id}`} />
                  </td>
                )}
                <td class="muted" data-testid={`ticket-updated-${ticket.id}`}>
                  {timeAgo(ticket.updated_at, now)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
