import { formatDateTime, timeAgo, useNow } from '../lib/time';
import type { TicketDetail } from '../types';

function Entry(props: { id: string; author: string; when: string; internal?: boolean; body: string; now: number }) {
  const { id, author, when, internal = false, body, now } = props;
  return (
    <article class={internal ? 'entry entry-internal' : 'entry'} data-testid={id}>
      <header>
        <strong data-testid={`${id}-author`}>{author}</strong>
        {internal && (
          <span class="internal-label" data-testid={`${id}-internal`}>
            Internal note
          </span>
        )}
        <time dateTime={when} title={formatDateTime(when)}>
          {timeAgo(when, now)}
        </time>
      </header>
      <p class="entry-body" data-testid={`${id}-body`}>
        {body}
      </p>
    </article>
  );
}

/** The ticket's description followed by its comments, oldest first. */
export function Conversation({ ticket }: { ticket: TicketDetail }) {
  const now = useNow();
  return (
    <div class="conversation" data-testid="conversation">
      <Entry id="ticket-body" author={ticket.requester.name} when={ticket.created_at} body={ticket.body} now={now} />
      {ticket.comments.map((comment) => (
        <Entry
          key={comment.id}
          id={`comment-${comment.id}`}
          author={comment.author.name}
          when={comment.created_at}
          internal={comment.internal}
          body={comment.body}
          now={now}
        />
      ))}
    </div>
  );
}
