import { useEffect, useState } from 'preact/hooks';
import { PriorityBadge, StatusBadge, Tags } from '../components/Badges';
import { Composer } from '../components/Composer';
import { Conversation } from '../components/Conversation';
import { RequestInfo, TicketProperties } from '../components/TicketProperties';
import { Api, ApiError } from '../lib/api';
import { Link } from '../lib/router';
import { isStaff, useCurrentUser } from '../lib/session';
import { formatDateTime } from '../lib/time';
import { refreshViews } from '../state/views';
import type { Agent, TicketDetail } from '../types';

type Loaded = { ticket: TicketDetail } | { error: string; notFound: boolean } | null;

export function TicketPage({ params }: { params: Record<string, string> }) {
  const user = useCurrentUser();
  const staff = isStaff(user);
  const ticketId = Number(params.ticketId);
  const [loaded, setLoaded] = useState<Loaded>(null);
  const [agents, setAgents] = useState<Agent[]>([]);

  useEffect(() => {
    let current = true;
    setLoaded(null);
    Api.ticket(ticketId)
      .then((ticket) => current && setLoaded({ ticket }))
      .catch((err: Error) => {
        if (current) setLoaded({ error: err.message, notFound: err instanceof ApiError && err.status === 404 });
      });
    return () => {
      current = false;
    };
  }, [ticketId]);

  useEffect(() => {
    if (staff) Api.agents().then(({ agents }) => setAgents(agents), () => undefined);
  }, [staff]);

  if (loaded === null) return <p class="page muted">Loading…</p>;
  if ('error' in loaded) {
    return (
      <section class="page" data-testid={loaded.notFound ? 'ticket-not-found' : 'ticket-error'}>
        <h1>{loaded.notFound ? 'Ticket not found' : 'Something went wrong'}</h1>
        <p class="muted">{loaded.notFound ? 'It may have been removed, or you may not have access to it.' : loaded.error}</p>
        <Link href="/">Back to tickets</Link>
      </section>
    );
  }

  const { ticket } = loaded;
  const update = (next: TicketDetail) => setLoaded({ ticket: next });
  const onPosted = (next: TicketDetail) => {
    update(next);
    refreshViews().catch(() => undefined);
  };

  return (
    <section class="page ticket-page" data-testid="ticket-page">
      <header class="ticket-header">
        <h1>
          <span class="ticket-id">#{ticket.id}</span> <span data-testid="ticket-subject">{ticket.subject}</span>
        </h1>
        <div class="ticket-meta">
          <StatusBadge status={ticket.status} testId="ticket-status" />
          <PriorityBadge priority={ticket.priority} testId="ticket-priority" />
          <span class="muted" data-testid="ticket-requester">
            {ticket.requester.name} · opened {formatDateTime(ticket.created_at)}
          </span>
          {staff && <Tags tags={ticket.tags} testId="ticket-tags" />}
        </div>
      </header>
      <div class="ticket-columns">
        <div class="ticket-main">
          <Conversation ticket={ticket} />
          {ticket.permissions.reply ? (
            <Composer ticket={ticket} onPosted={onPosted} />
          ) : (
            <p class="notice" data-testid="ticket-closed">
              This ticket is closed. {staff ? 'It can no longer be changed.' : 'Submit a new request if you need more help.'}
            </p>
          )}
        </div>
        {staff ? (
          <TicketProperties ticket={ticket} agents={agents} onChange={update} />
        ) : (
          <RequestInfo ticket={ticket} onChange={update} />
        )}
      </div>
    </section>
  );
}
