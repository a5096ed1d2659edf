import type { Cycle } from '../../../shared/api';
import { formatDateRange } from '../lib/dates';
import { CycleStatusBadge, ProgressBar } from './Badges';

/** Progress and scope numbers of a cycle, as shown on the cycles list and the cycle page. */
export function CycleStats({ cycle }: { cycle: Cycle }) {
  return (
    <div className="stat-grid" data-testid={`cycle-stats-${cycle.id}`}>
      <div className="stat">
        <div className="stat-value" data-testid={`cycle-progress-${cycle.id}`}>
          {cycle.progress}%
        </div>
        <div className="stat-label">
          {cycle.done_points} of {cycle.total_points} points done
        </div>
      </div>
      <div className="stat">
        <div className="stat-value" data-testid={`cycle-issues-${cycle.id}`}>
          {cycle.done_count}/{cycle.issue_count}
        </div>
        <div className="stat-label">issues done</div>
      </div>
      <div className="stat">
        <div className="stat-value" data-testid={`cycle-scope-${cycle.id}`}>
          {cycle.scope_changes}
        </div>
        <div className="stat-label">scope changes</div>
      </div>
    </div>
  );
}

export function CycleHeading({ cycle }: { cycle: Cycle }) {
  return (
    <>
      <CycleStatusBadge status={cycle.status} testId={`cycle-status-${cycle.id}`} />
      <span className="muted small" data-testid={`cycle-dates-${cycle.id}`}>
        {formatDateRange(cycle.starts_on, cycle.ends_on)}
      </span>
      <ProgressBar percent={cycle.progress} testId={`cycle-progress-bar-${cycle.id}`} />
    </>
  );
}

/** Client-side check of a cycle's dates before asking the server: both set, end not before start. */
export function validateCycleDates(startsOn: string, endsOn: string): string | null {
  if (!startsOn || !endsOn) return 'Choose a start and an end date.';
  if (endsOn < startsOn) return 'The cycle cannot end before it starts.';
  return null;
}
