import type { Priority, Status, Ticket } from '../types';

export const STATUS_LABELS: Record<Status, string> = {
  open: 'Open',
  pending: 'Pending',
  solved: 'Solved',
  closed: 'Closed',
};

export const PRIORITY_LABELS: Record<Priority, string> = {
  low: 'Low',
  normal: 'Normal',
  high: 'High',
  urgent: 'Urgent',
};

export const PRIORITIES: Priority[] = ['low', 'normal', 'high', 'urgent'];

/** Higher is more urgent. */
const PRIORITY_RANK: Record<Priority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };

export type SortKey = 'due' | 'updated' | 'priority';

export const SORT_LABELS: Record<SortKey, string> = {
  due: 'Due first',
  updated: 'Recently updated',
  priority: 'Priority',
};

const isDone = (ticket: Ticket) => (ticket.status === 'solved' || ticket.status === 'closed' ? 1 : 0);

/** Unsolved tickets by due time, soonest first; solved and closed ones after them. */
const byDue = (a: Ticket, b: Ticket) => isDone(a) - isDone(b) || a.due_at.localeCompare(b.due_at) || a.id - b.id;

const COMPARATORS: Record<SortKey, (a: Ticket, b: Ticket) => number> = {
  due: byDue,
  updated: (a, b) => b.updated_at.localeCompare(a.updated_at) || b.id - a.id,
  priority: (a, b) => PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] || byDue(a, b),
};

export function sortTickets(tickets: Ticket[], key: SortKey): Ticket[] {
  return [...tickets].sort(COMPARATORS[key]);
}

export function isSortKey(value: string | undefined): value is SortKey {
  return value === 'due' || value === 'updated' || value === 'priority';
}
