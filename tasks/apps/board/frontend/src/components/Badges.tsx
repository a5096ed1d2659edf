import { PRIORITY_LABELS, STATUS_LABELS } from '../../../shared/api';
import type { CycleStatus, Label, LabelColor, Priority, Status, User } from '../../../shared/api';
import { describeDue, formatCalendarDate } from '../lib/dates';
import { initials } from '../lib/issues';

export const LABEL_HEX: Record<LabelColor, string> = {
  gray: '#8a8f98',
  red: '#e5484d',
  orange: '#f76b15',
  yellow: '#e2b203',
  green: '#30a46c',
  teal: '#12a594',
  blue: '#0090ff',
  purple: '#8e4ec6',
  pink: '#d6409f',
};

export function StatusBadge({ status, testId }: { status: Status; testId?: string }) {
  return (
    <span className={`status-badge status-${status}`} data-testid={testId} data-status={status}>
      <span className="status-dot" aria-hidden="true" />
      {STATUS_LABELS[status]}
    </span>
  );
}

const PRIORITY_ICONS: Record<Priority, string> = {
  urgent: '!!!',
  high: '▲',
  medium: '■',
  low: '▼',
  none: '–',
};

export function PriorityBadge({ priority, compact, testId }: { priority: Priority; compact?: boolean; testId?: string }) {
  return (
    <span
      className={`priority-badge priority-${priority}`}
      title={PRIORITY_LABELS[priority]}
      data-testid={testId}
      data-priority={priority}
    >
      <span aria-hidden="true">{PRIORITY_ICONS[priority]}</span>
      {compact ? <span className="visually-hidden">{PRIORITY_LABELS[priority]}</span> : PRIORITY_LABELS[priority]}
    </span>
  );
}

export function LabelChip({ label }: { label: Pick<Label, 'id' | 'name' | 'color'> }) {
  return (
    <span className="label-chip" data-testid={`label-chip-${label.id}`}>
      <span className="label-swatch" style={{ background: LABEL_HEX[label.color] }} aria-hidden="true" />
      {label.name}
    </span>
  );
}

export function Avatar({ user, testId }: { user: User | null; testId?: string }) {
  if (!user) {
    return (
      <span className="avatar avatar-empty" title="Unassigned" data-testid={testId}>
        ?
      </span>
    );
  }
  return (
    <span className="avatar" title={user.name} data-testid={testId}>
      {initials(user.name)}
    </span>
  );
}

/** A due date: a calendar day, highlighted when overdue (as the server decided, or `overdue`). */
export function DueDate({ date, overdue, testId }: { date: string; overdue: boolean; testId?: string }) {
  return (
    <span
      className={overdue ? 'due overdue' : 'due'}
      title={describeDue(date)}
      data-testid={testId}
      data-overdue={overdue ? 'true' : 'false'}
    >
      {formatCalendarDate(date)}
    </span>
  );
}

/** Comment count with a speech-bubble icon (drawn, so it needs no emoji font). */
export function CommentCount({ count, testId }: { count: number; testId?: string }) {
  return (
    <span className="count-chip" title={count === 1 ? '1 comment' : `${count} comments`} data-testid={testId}>
      <svg className="icon" viewBox="0 0 16 16" aria-hidden="true">
        <path d="M2 3h12v8H6l-3 3v-3H2z" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />
      </svg>
      {count}
    </span>
  );
}

export function CycleStatusBadge({ status, testId }: { status: CycleStatus; testId?: string }) {
  return (
    <span className={`cycle-status cycle-status-${status}`} data-testid={testId}>
      {status}
    </span>
  );
}

export function ProgressBar({ percent, testId }: { percent: number; testId?: string }) {
  const clamped = Math.min(100, Math.max(0, percent));
  return (
    <div
      className="progress"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={clamped}
      data-testid={testId}
    >
      <div className="progress-bar" style={{ width: `${clamped}%` }} />
    </div>
  );
}
