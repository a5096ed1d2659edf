import { PRIORITY_LABELS, STATUS_LABELS } from '../lib/tickets';
import { dueState, formatDateTime } from '../lib/time';
import type { Priority, Status, Ticket } from '../types';

export function StatusBadge({ status, testId }: { status: Status; testId?: string }) {
  return (
    <span class={`badge status-${status}`} data-testid={testId}>
      {STATUS_LABELS[status]}
    </span>
  );
}

export function PriorityBadge({ priority, testId }: { priority: Priority; testId?: string }) {
  return (
    <span class={`priority priority-${priority}`} data-testid={testId}>
      {PRIORITY_LABELS[priority]}
    </span>
  );
}

export function DueLabel({ ticket, now, testId }: { ticket: Ticket; now: number; testId?: string }) {
  const { label, tone } = dueState(ticket, now);
  return (
    <span class={`due due-${tone}`} title={`Due ${formatDateTime(ticket.due_at)}`} data-testid={testId}>
      {label}
    </span>
  );
}

export function Tags({ tags, onPick, testId }: { tags: string[]; onPick?: (tag: string) => void; testId?: string }) {
  if (tags.length === 0) return null;
  return (
    <span class="tags" data-testid={testId}>
      {tags.map((tag) =>
        onPick ? (
          <button type="button" class="tag tag-button" key={tag} onClick={() => onPick(tag)}>
            {tag}
          </button>
        ) : (
          <span class="tag" key={tag}>
            {tag}
          </span>
        ),
      )}
    </span>
  );
}
