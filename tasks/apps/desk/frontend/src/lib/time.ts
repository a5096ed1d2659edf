import { useEffect, useState } from 'preact/hooks';
import type { Ticket } from '../types';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "45 min", "3 h", "2 days": a duration rounded down to its largest unit. */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < HOUR) return `${Math.max(1, Math.floor(abs / MINUTE))} min`;
  if (abs < DAY) return `${Math.floor(abs / HOUR)} h`;
  const days = Math.floor(abs / DAY);
  return `${days} ${days === 1 ? 'day' : 'days'}`;
}

/** "just now", "5 min ago", "3 days ago". */
export function timeAgo(iso: string, now: number): string {
  const elapsed = now - Date.parse(iso);
  if (elapsed < MINUTE) return 'just now';
  return `${formatDuration(elapsed)} ago`;
}

/** Absolute date and time for tooltips: "Mon, May 6, 09:30". */
export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString('en-US', {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });
}

export interface DueState {
  label: string;
  tone: 'overdue' | 'soon' | 'normal' | 'done';
}

/** Where a ticket stands against its SLA target. */
export function dueState(ticket: Ticket, now: number): DueState {
  if (ticket.status === 'solved' || ticket.status === 'closed') {
    return { label: ticket.solved_at ? `Solved ${timeAgo(ticket.solved_at, now)}` : 'Solved', tone: 'done' };
  }
  const left = Date.parse(ticket.due_at) - now;
  if (left <= 0) return { label: `Overdue by ${formatDuration(left)}`, tone: 'overdue' };
  return { label: `Due in ${formatDuration(left)}`, tone: left < 2 * HOUR ? 'soon' : 'normal' };
}

/** The current time, refreshed every 30 seconds so relative times stay true. */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 30_000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}
